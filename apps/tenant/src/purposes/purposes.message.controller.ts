import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreatePurposeRequest,
  Empty,
  PurposeRef,
  TENANT_SUBJECTS,
  type CallContext,
  type Principal,
  type Purpose,
  type PurposeList,
} from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { actingFrom } from '../callers.js';
import { PurposesService } from './purposes.service.js';

@Controller()
@UseGuards(BusAuthGuard)
export class PurposesMessageController {
  constructor(private readonly purposes: PurposesService) {}

  @MessagePattern(TENANT_SUBJECTS.createPurpose)
  create(
    @Payload(new ZodPayloadPipe(CreatePurposeRequest)) request: CreatePurposeRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<Purpose> {
    return this.purposes.create(actingFrom(principal, caller), request);
  }

  @MessagePattern(TENANT_SUBJECTS.listPurposes)
  list(@Payload(new ZodPayloadPipe(Empty)) _request: Empty, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<PurposeList> {
    return this.purposes.list(actingFrom(principal, caller));
  }

  @MessagePattern(TENANT_SUBJECTS.getPurpose)
  get(
    @Payload(new ZodPayloadPipe(PurposeRef)) ref: PurposeRef,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<Purpose> {
    return this.purposes.get(actingFrom(principal, caller), ref.id);
  }
}
