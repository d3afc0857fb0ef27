// Runs LoginThrottle.forgetStale every 10 minutes in each auth replica (the delete is idempotent,
// so replicas need no coordination).
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@gardien/observability';
import { safeError } from '@gardien/observability';
import { LOGGER } from '@gardien/platform';
import { LoginThrottle } from './login-throttle.service.js';

const PERIOD_MS = 10 * 60_000;

@Injectable()
export class ThrottleJanitor implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly throttle: LoginThrottle,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), PERIOD_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      const forgotten = await this.throttle.forgetStale();
      if (forgotten > 0) this.logger.info({ forgotten }, 'stale login counters forgotten');
    } catch (error) {
      this.logger.warn({ err: safeError(error) }, 'login counters could not be swept');
    }
  }
}
