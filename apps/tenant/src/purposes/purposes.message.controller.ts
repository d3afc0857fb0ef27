import { Controller } from '@nestjs/common';
import {
  type CreatePurposeRequest,
  type PurposeRef,
  TENANT_OPERATIONS,
  type CallContext,
  type Principal,
  type Purpose,
  type PurposeList,
} from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { actingFrom } from '../callers.js';
import { PurposesService } from './purposes.service.js';

@Controller()
export class PurposesMessageController {
  constructor(private readonly purposes: PurposesService) {}

  @Handles(TENANT_OPERATIONS.createPurpose)
  create(
    @RequestPayload() request: CreatePurposeRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<Purpose> {
    return this.purposes.create(actingFrom(principal, caller), request);
  }

  @Handles(TENANT_OPERATIONS.listPurposes)
  list(@CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<PurposeList> {
    return this.purposes.list(actingFrom(principal, caller));
  }

  @Handles(TENANT_OPERATIONS.getPurpose)
  get(
    @RequestPayload() ref: PurposeRef,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<Purpose> {
    return this.purposes.get(actingFrom(principal, caller), ref.id);
  }
}
