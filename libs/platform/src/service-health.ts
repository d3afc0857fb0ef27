// The health report a service answers on gardien.v1.<service>.health: its database and its bus
// connection, checked through @nestjs/terminus.
import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { ServiceHealth } from '@gardien/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';

export interface HealthDependencies {
  service: string;
  instanceId: string;
  startedAt: number;
  dataSource?: DataSource;
  connection: NatsConnection;
}

export const HEALTH_DEPENDENCIES = Symbol('HEALTH_DEPENDENCIES');

const DATABASE_PROBE_TIMEOUT_MS = 1_000;
const DATABASE_PROBE_CACHE_MS = 1_000;

@Injectable()
export class ServiceHealthService {
  constructor(
    private readonly healthCheck: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_DEPENDENCIES) private readonly dependencies: HealthDependencies,
  ) {}

  async report(): Promise<ServiceHealth> {
    const probes: HealthIndicatorFunction[] = [() => this.bus()];
    if (this.dependencies.dataSource) probes.push(async () => this.database());
    let result: HealthCheckResult;
    try {
      result = await this.healthCheck.check(probes);
    } catch (error) {
      result = (error as { getResponse?: () => HealthCheckResult }).getResponse?.() ?? { status: 'error', details: {} };
    }
    const checks: Record<string, 'up' | 'down'> = {};
    for (const [name, detail] of Object.entries(result.details ?? {})) {
      checks[name] = detail.status === 'up' ? 'up' : 'down';
    }
    return {
      service: this.dependencies.service,
      status: result.status === 'ok' ? 'up' : 'down',
      checks,
      uptimeSeconds: Math.round((Date.now() - this.dependencies.startedAt) / 1000),
      instance: this.dependencies.instanceId,
    };
  }

  /**
   * One `SELECT 1` per second at most, however many health requests arrive: monitors and the
   * edge's /health must not load the database. Times out after 1 s.
   */
  private database() {
    const dataSource = this.dependencies.dataSource;
    return this.indicators
      .check('database')
      .attempt(async () => {
        if (!dataSource?.isInitialized) throw new Error('not initialised');
        await dataSource.query('SELECT 1');
      })
      .withTimeout(DATABASE_PROBE_TIMEOUT_MS)
      .cacheFor(DATABASE_PROBE_CACHE_MS);
  }

  private async bus() {
    const indicator = this.indicators.check('bus');
    return this.dependencies.connection.isClosed() ? indicator.down() : indicator.up();
  }
}
