// Signs a new tree head for every log that grew, at least every GARDIEN_AUDIT_TREE_HEAD_INTERVAL_MS
// (10 s) while entries arrive; readers get one on demand as well (TreeHeadSigner.headOf).
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { safeError, type Logger } from '@gardien/observability';
import { LOGGER, SERVICE_CONFIG } from '@gardien/platform';
import type { AuditConfig } from '../config.js';
import { TreeHeadSigner } from './tree-head-signer.js';

@Injectable()
export class TreeHeadScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private signing: Promise<void> | undefined;

  constructor(
    private readonly signer: TreeHeadSigner,
    @Inject(SERVICE_CONFIG) private readonly config: AuditConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Logs (their tenant ids) that grew since their last head. */
  grown(logs: readonly string[]): void {
    for (const log of logs) this.pending.add(log);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.signing ??= this.signPending().finally(() => (this.signing = undefined));
    }, this.config.GARDIEN_AUDIT_TREE_HEAD_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.signing;
    // What grew since the last tick gets its head before the service goes.
    await this.signPending();
  }

  private async signPending(): Promise<void> {
    const logs = [...this.pending];
    this.pending.clear();
    for (const log of logs) {
      try {
        await this.signer.headOf(log);
      } catch (error) {
        this.pending.add(log);
        this.logger.warn({ err: safeError(error) }, 'tree head not signed; tried again at the next interval');
      }
    }
  }
}
