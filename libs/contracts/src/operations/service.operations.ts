// Operations every bus service answers the same way, under its own subjects.
import { z } from 'zod';
import { HealthRequest, ServiceHealth } from '../schemas/health.js';
import { WhoAmI } from '../schemas/identity.js';
import type { BusService } from '../services.js';
import { busOperation, type BusOperation } from './bus-operation.js';

export interface ServiceOperations {
  /** Open: monitors and the edge's /health call it without a token. */
  health: BusOperation<typeof HealthRequest, typeof ServiceHealth>;
  /** Who the service verified the caller to be: makes "every service verifies the token itself" checkable. */
  whoami: BusOperation<z.ZodObject<Record<string, never>, z.core.$strict>, typeof WhoAmI>;
}

const cache = new Map<BusService, ServiceOperations>();

export function serviceOperations(service: BusService): ServiceOperations {
  let operations = cache.get(service);
  if (!operations) {
    operations = {
      health: busOperation({ service, action: 'health', request: HealthRequest, reply: ServiceHealth, authenticated: false }),
      whoami: busOperation({ service, action: 'whoami', request: z.object({}).strict(), reply: WhoAmI, authenticated: true }),
    };
    cache.set(service, operations);
  }
  return operations;
}
