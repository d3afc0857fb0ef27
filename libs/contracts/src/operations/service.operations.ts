// Operations every bus service answers the same way, under its own subjects.
import { z } from 'zod';
import { HealthRequest, ServiceHealth } from '../schemas/health.js';
import { Uuid } from '../schemas/primitives.js';
import { WhoAmI } from '../schemas/identity.js';
import type { BusService } from '../services.js';
import { busOperation, type BusOperation } from './bus-operation.js';

export interface ServiceOperations {
  /** Open: monitors and the edge's /health call it without a token. */
  health: BusOperation<typeof HealthRequest, typeof ServiceHealth>;
  /** Who the service verified the caller to be: makes "every service verifies the token itself" checkable. */
  whoami: BusOperation<z.ZodObject<Record<string, never>, z.core.$strict>, typeof WhoAmI>;
  /**
   * Stops a streamed reply of this service whose caller went away (BusClient.stream sends it when
   * its consumer stops early): the handler's work is cancelled. Only the principal that started the
   * stream may stop it (its token is checked by the handler when the stream had one); the answer is
   * the same whether or not there was one.
   */
  cancelStream: BusOperation<typeof CancelStreamRequest, z.ZodObject<Record<string, never>, z.core.$strict>>;
}

export const CancelStreamRequest = z.object({ stream_id: Uuid }).strict();
export type CancelStreamRequest = z.infer<typeof CancelStreamRequest>;

const cache = new Map<BusService, ServiceOperations>();

export function serviceOperations(service: BusService): ServiceOperations {
  let operations = cache.get(service);
  if (!operations) {
    operations = {
      health: busOperation({ service, action: 'health', request: HealthRequest, reply: ServiceHealth, authenticated: false }),
      whoami: busOperation({ service, action: 'whoami', request: z.object({}).strict(), reply: WhoAmI, authenticated: true }),
      cancelStream: busOperation({ service, action: 'streams.cancel', request: CancelStreamRequest, reply: z.object({}).strict(), authenticated: false, timeoutMs: 1_000 }),
    };
    cache.set(service, operations);
  }
  return operations;
}
