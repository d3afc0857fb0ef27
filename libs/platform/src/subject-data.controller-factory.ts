// gardien.v1.<service>.subject.export|erase|restrict, for the rights pipeline alone: its own service
// token (the `service:rights-pipeline` grant of the one ability factory; every other caller is
// refused), on its NATS user alone (the operations' publishers). The check is made on the tenant the
// request names, and the work runs in that tenant's transaction only. What the operations do is the
// service's SUBJECT_DATA: by default the platform's, driven by the data inventory.
import { Controller, Inject, type Type } from '@nestjs/common';
import {
  serviceOperations,
  type BusService,
  type CallContext,
  type Principal,
  type SubjectErasure,
  type SubjectExport,
  type SubjectRef,
  type SubjectRestriction,
  type SubjectRestrictionRequest,
} from '@gardien/contracts';
import { authorize, defineAbilityFor } from '@gardien/authz';
import { auditActorOf, type SubjectDataOperations, type SubjectOperationContext, type SubjectScope } from '@gardien/persistence';
import { CurrentPrincipal } from './bus-auth.guard.js';
import { Caller } from './call-context.decorator.js';
import { Handles, RequestPayload } from './handles.decorator.js';

/** The service's subject operations (SubjectDataOperations). */
export const SUBJECT_DATA = Symbol('SUBJECT_DATA');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function subjectDataMessageController(service: BusService): Type<unknown> {
  const operations = serviceOperations(service);

  @Controller()
  class SubjectDataMessageController {
    constructor(@Inject(SUBJECT_DATA) private readonly subjectData: SubjectDataOperations) {}

    @Handles(operations.subjectExport)
    export(@RequestPayload() ref: SubjectRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<SubjectExport> {
      authorize(defineAbilityFor(principal), 'export', 'SubjectData', attributesOf(ref));
      return this.subjectData.export(scopeOf(ref), contextOf(principal, caller, ref));
    }

    @Handles(operations.subjectErase)
    erase(@RequestPayload() ref: SubjectRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<SubjectErasure> {
      authorize(defineAbilityFor(principal), 'erase', 'SubjectData', attributesOf(ref));
      return this.subjectData.erase(scopeOf(ref), contextOf(principal, caller, ref));
    }

    @Handles(operations.subjectRestrict)
    restrict(
      @RequestPayload() request: SubjectRestrictionRequest,
      @CurrentPrincipal() principal: Principal,
      @Caller() caller: CallContext,
    ): Promise<SubjectRestriction> {
      authorize(defineAbilityFor(principal), 'restrict', 'SubjectData', attributesOf(request));
      return this.subjectData.restrict(scopeOf(request), request.restricted, contextOf(principal, caller, request));
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

function contextOf(principal: Principal, caller: CallContext, ref: SubjectRef): SubjectOperationContext {
  return {
    actor: auditActorOf(principal),
    requestId: UUID.test(caller.requestId) ? caller.requestId.toLowerCase() : null,
    rightsRequestId: ref.rights_request_id ?? null,
  };
}
