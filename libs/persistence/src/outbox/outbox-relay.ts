// Publishes outbox rows to JetStream, oldest first, with Nats-Msg-Id = row id so that a row
// published twice (crash between publish and mark, or a publish buffered during a reconnect)
// is stored once. While NATS is unreachable rows stay pending and the relay backs off.
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { safeError } from '@gardien/observability';

export interface OutboxRelayOptions {
  batchSize?: number;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  publishTimeoutMs?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  keepPublishedForHours?: number;
}

interface PendingRow {
  id: string;
  subject: string;
  payload: unknown;
  headers: Record<string, string>;
}

export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly publishTimeoutMs: number;
  private readonly keepPublishedForHours: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private failures = 0;
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jetstream: JetStreamClient,
    private readonly logger: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 2_000;
    this.keepPublishedForHours = options.keepPublishedForHours ?? 24 * 7;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a pass now, e.g. right after a commit that wrote to the outbox. */
  wake(): void {
    if (this.stopped || this.running) return;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: publishes up to a batch of pending rows. Returns how many went out. */
  async publishPending(): Promise<number> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const rows: PendingRow[] = await manager.query(
        `SELECT id, subject, payload, headers FROM gardien_outbox
          WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      // Every row of the batch is sent at once, in order (the client writes them together, the
      // server stores them in the order they came), and the acknowledgements are awaited together:
      // one round trip for the batch, not one per row. A row whose publish failed stays pending
      // (and the rows after it that were stored are marked: a pass after a partial failure sends
      // the failed rows after those).
      const outcomes = await Promise.allSettled(
        rows.map((row) =>
          this.jetstream.publish(row.subject, JSON.stringify(row.payload), {
            msgID: row.id,
            timeout: this.publishTimeoutMs,
            headers: toHeaders(row.headers),
          }),
        ),
      );
      const published = rows.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((row) => row.id);
      const failed = rows.filter((_, i) => outcomes[i]!.status === 'rejected').map((row) => row.id);
      const firstFailure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (firstFailure) this.logger.warn({ outboxId: failed[0], failedRows: failed.length, err: safeError(firstFailure.reason) }, 'outbox publish failed; rows stay pending');
      if (published.length > 0) {
        await manager.query('UPDATE gardien_outbox SET published_at = clock_timestamp() WHERE id = ANY($1::uuid[])', [published]);
      }
      if (failed.length > 0) await manager.query('UPDATE gardien_outbox SET attempts = attempts + 1 WHERE id = ANY($1::uuid[])', [failed]);
      return { published: published.length, failed: failed.length > 0 };
    });
    // Reported after the commit, so that the marks of what went out and the failed attempt are kept.
    if (outcome.failed) throw new RelayPassFailed(outcome.published);
    return outcome.published;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    let next = this.pollIntervalMs;
    try {
      const count = await this.publishPending();
      if (this.failures > 0) this.logger.info({ afterFailures: this.failures }, 'outbox relay recovered');
      this.failures = 0;
      if (count > 0) this.logger.debug({ count }, 'outbox rows published');
      if (count === this.batchSize) next = 0;
      await this.cleanupPublished();
    } catch (error) {
      this.failures += 1;
      next = Math.min(this.maxBackoffMs, this.pollIntervalMs * 2 ** Math.min(this.failures, 10));
      if (!(error instanceof RelayPassFailed)) {
        this.logger.warn({ err: safeError(error), failures: this.failures }, 'outbox relay pass failed');
      }
    }
    if (!this.stopped) this.schedule(next);
  }

  private async cleanupPublished(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    await this.dataSource.query(
      `DELETE FROM gardien_outbox WHERE id IN (
         SELECT id FROM gardien_outbox WHERE published_at < now() - make_interval(hours => $1) LIMIT 1000)`,
      [this.keepPublishedForHours],
    );
  }
}

class RelayPassFailed extends Error {
  constructor(readonly published: number) {
    super('outbox relay pass stopped at a row that could not be published');
  }
}

function toHeaders(values: Record<string, string>) {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return undefined;
  const h = natsHeaders();
  for (const [key, value] of entries) h.set(key, value);
  return h;
}
