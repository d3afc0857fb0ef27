// Makes sure the JetStream streams of the design exist. Idempotent and safe to run from several
// services at once; an existing stream is left as its operator configured it.
import { jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { STREAMS, type StreamName } from '@gardien/contracts';

const DAY_MS = 24 * 3_600_000;

const POLICIES: Record<StreamName, Pick<StreamConfig, 'retention' | 'max_age'>> = {
  // Audit entries wait here until the audit service has appended them to its own log.
  AUDIT: { retention: RetentionPolicy.Limits, max_age: nanos(30 * DAY_MS) },
  // Data-subject requests are work: each is removed once acknowledged.
  RIGHTS: { retention: RetentionPolicy.Workqueue, max_age: 0 },
  EVENTS: { retention: RetentionPolicy.Limits, max_age: nanos(7 * DAY_MS) },
};

/**
 * Long enough to cover an outbox relay that published, then could not mark its rows (database or
 * process down) for up to an hour; consumers also de-duplicate by entry id beyond that.
 */
export const DEDUPLICATION_WINDOW_MS = 60 * 60_000;

export async function ensureStreams(connection: NatsConnection): Promise<void> {
  const manager = await jetstreamManager(connection);
  for (const name of Object.keys(STREAMS) as StreamName[]) {
    const definition = STREAMS[name];
    try {
      await manager.streams.info(definition.name);
      continue;
    } catch (error) {
      if ((error as { name?: string }).name !== 'StreamNotFoundError') throw error;
    }
    try {
      await manager.streams.add({
        name: definition.name,
        subjects: [...definition.subjects],
        storage: StorageType.File,
        duplicate_window: nanos(DEDUPLICATION_WINDOW_MS),
        ...POLICIES[name],
      });
    } catch (error) {
      // Another service created it between our look-up and our add.
      await manager.streams.info(definition.name).catch(() => {
        throw error;
      });
    }
  }
}
