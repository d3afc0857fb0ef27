// gardien.v1.<service>.subject.export|erase|restrict, for the rights pipeline alone: its own service
// token (the `service:rights-pipeline` grant of the one ability factory; every other caller is
// refused), on its NATS user alone (the operations' publishers). The check is made on the tenant the
// request names, and the work runs in that tenant's transaction only. What the operations do is the
// service's SUBJECT_DATA: by default the platform's, driven by the data inventory.
import { Controller, Inject, type Type } from '@nestjs/common';
import {
  serviceOperations,
  type BusService,
  type Caller,
  type SubjectErasure,
  type SubjectExport,
  type SubjectRef,
  type SubjectRestriction,
  type SubjectRestrictionRequest,
} from '@gardien/contracts';
import { authorize, defineAbilityFor } from '@gardien/authz';
import type { SubjectDataOperations, SubjectOperationContext, SubjectScope } from '@gardien/persistence';
import { CurrentCaller } from './bus-auth.guard.js';
import { Handles, RequestPayload } from './handles.decorator.js';

/** The service's subject operations (SubjectDataOperations). */
export const SUBJECT_DATA = Symbol('SUBJECT_DATA');

export function subjectDataMessageController(service: BusService): Type<unknown> {
  const operations = serviceOperations(service);

  @Controller()
  class SubjectDataMessageController {
    constructor(@Inject(SUBJECT_DATA) private readonly subjectData: SubjectDataOperations) {}

    @Handles(operations.subjectExport)
    export(@RequestPayload() ref: SubjectRef, @CurrentCaller() caller: Caller): Promise<SubjectExport> {
      authorize(defineAbilityFor(caller.principal), 'export', 'SubjectData', attributesOf(ref));
      return this.subjectData.export(scopeOf(ref), contextOf(caller, ref));
    }

    @Handles(operations.subjectErase)
    erase(@RequestPayload() ref: SubjectRef, @CurrentCaller() caller: Caller): Promise<SubjectErasure> {
      authorize(defineAbilityFor(caller.principal), 'erase', 'SubjectData', attributesOf(ref));
      return this.subjectData.erase(scopeOf(ref), contextOf(caller, ref));
    }

    @Handles(operations.subjectRestrict)
    restrict(@RequestPayload() request: SubjectRestrictionRequest, @CurrentCaller() caller: Caller): Promise<SubjectRestriction> {
      authorize(defineAbilityFor(caller.principal), 'restrict', 'SubjectData', attributesOf(request));
      return this.subjectData.restrict(scopeOf(request), request.restricted, contextOf(caller, request));
    }
  }
  return SubjectDataMessageController;
}

function attributesOf(ref: SubjectRef): { tenantId: string; subjectId: string } {
  return { tenantId: ref.tenant_id, subjectId: ref.subject_id };
}

function scopeOf(ref: SubjectRef): SubjectScope {
  return { tenantId: ref.tenant_id, subjectId: ref.subject_id };
}

function contextOf(caller: Caller, ref: SubjectRef): SubjectOperationContext {
  return { caller, rightsRequestId: ref.rights_request_id ?? null };
}
