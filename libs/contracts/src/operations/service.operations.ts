// Operations every bus service answers the same way, under its own subjects.
import { z } from 'zod';
import { DataInventory } from '../schemas/data-inventory.js';
import { HealthRequest, ServiceHealth } from '../schemas/health.js';
import { Uuid } from '../schemas/primitives.js';
import { WhoAmI } from '../schemas/identity.js';
import { SubjectErasure, SubjectExport, SubjectRef, SubjectRestriction, SubjectRestrictionRequest } from '../schemas/subject-data.js';
import type { BusService } from '../services.js';
import { busOperation, type BusOperation } from './bus-operation.js';

type EmptyRequest = z.ZodObject<Record<string, never>, z.core.$strict>;

export interface ServiceOperations {
  /** Open: monitors and the edge's /health call it without a token. */
  health: BusOperation<typeof HealthRequest, typeof ServiceHealth>;
  /** Who the service verified the caller to be: makes "every service verifies the token itself" checkable. */
  whoami: BusOperation<EmptyRequest, typeof WhoAmI>;
  /** The service's data inventory (declarations, no data): for the compliance kit, the DPO, auditors and platform services. */
  inventory: BusOperation<EmptyRequest, typeof DataInventory>;
  /** What the service holds on one subject of one tenant: for the rights pipeline only. */
  subjectExport: BusOperation<typeof SubjectRef, typeof SubjectExport>;
  /** Erases one subject of one tenant (rows, then data keys): for the rights pipeline only. */
  subjectErase: BusOperation<typeof SubjectRef, typeof SubjectErasure>;
  /** Restricts (or lifts the restriction of) one subject's processing: for the rights pipeline only. */
  subjectRestrict: BusOperation<typeof SubjectRestrictionRequest, typeof SubjectRestriction>;
  /**
   * Stops a streamed reply of this service whose caller went away (BusClient.stream sends it when
   * its consumer stops early), or a cancellable call answered once whose caller did (BusClient.call
   * when its signal aborts): the handler's work is cancelled. Only the principal that started the
   * stream or the call may stop it (its token is checked by the handler when it had one); the
   * answer is the same whether or not there was one.
   */
  cancelStream: BusOperation<typeof CancelStreamRequest, EmptyRequest>;
}

export const CancelStreamRequest = z.object({ stream_id: Uuid }).strict();
export type CancelStreamRequest = z.infer<typeof CancelStreamRequest>;

/** Only the rights pipeline's NATS user may publish the subject operations (the grant is checked on its token too). */
const RIGHTS_PIPELINE_ONLY = ['rights-pipeline'] as const;
/** Erasure destroys keys in the KMS after its transaction: longer than the default. */
const ERASURE_TIMEOUT_MS = 30_000;

const cache = new Map<BusService, ServiceOperations>();

export function serviceOperations(service: BusService): ServiceOperations {
  let operations = cache.get(service);
  if (!operations) {
    operations = {
      health: busOperation({ service, action: 'health', request: HealthRequest, reply: ServiceHealth, authenticated: false }),
      whoami: busOperation({ service, action: 'whoami', request: z.object({}).strict(), reply: WhoAmI, authenticated: true }),
      inventory: busOperation({ service, action: 'inventory', request: z.object({}).strict(), reply: DataInventory, authenticated: true }),
      subjectExport: busOperation({
        service,
        action: 'subject.export',
        request: SubjectRef,
        reply: SubjectExport,
        authenticated: true,
        publishers: RIGHTS_PIPELINE_ONLY,
        timeoutMs: ERASURE_TIMEOUT_MS,
      }),
      subjectErase: busOperation({
        service,
        action: 'subject.erase',
        request: SubjectRef,
        reply: SubjectErasure,
        authenticated: true,
        publishers: RIGHTS_PIPELINE_ONLY,
        timeoutMs: ERASURE_TIMEOUT_MS,
      }),
      subjectRestrict: busOperation({
        service,
        action: 'subject.restrict',
        request: SubjectRestrictionRequest,
        reply: SubjectRestriction,
        authenticated: true,
        publishers: RIGHTS_PIPELINE_ONLY,
      }),
      cancelStream: busOperation({ service, action: 'streams.cancel', request: CancelStreamRequest, reply: z.object({}).strict(), authenticated: false, timeoutMs: 1_000, everyReplica: true }),
    };
    cache.set(service, operations);
  }
  return operations;
}
