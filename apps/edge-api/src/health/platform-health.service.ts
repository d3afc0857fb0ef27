// Asks every bus service for its health, in parallel and with a short timeout. A service that
// does not answer (killed, no responders, timeout) is "down"; the platform is "ok" only when all are up.
import { Inject, Injectable } from '@nestjs/common';
import { BUS_SERVICES, BusClient, serviceOperations, type BusService, type CallContext } from '@gardien/contracts';
import { EDGE_CONFIG } from '../tokens.js';
import type { EdgeConfig } from '../config.js';

export interface PlatformHealth {
  status: 'ok' | 'degraded';
  services: Record<BusService, 'up' | 'down'>;
}

@Injectable()
export class PlatformHealthService {
  constructor(
    private readonly bus: BusClient,
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
  ) {}

  async check(caller: CallContext): Promise<PlatformHealth> {
    const results = await Promise.all(BUS_SERVICES.map((service) => this.probe(service, caller)));
    const services = Object.fromEntries(BUS_SERVICES.map((service, index) => [service, results[index]])) as Record<
      BusService,
      'up' | 'down'
    >;
    return { status: results.every((status) => status === 'up') ? 'ok' : 'degraded', services };
  }

  async probe(service: BusService, caller: CallContext): Promise<'up' | 'down'> {
    try {
      const report = await this.bus.call(serviceOperations(service).health, {}, caller, {
        timeoutMs: this.config.GARDIEN_HEALTH_TIMEOUT_MS,
      });
      return report.status;
    } catch {
      return 'down';
    }
  }
}
