import { Controller } from '@nestjs/common';
import {
  type CreatePurposeRequest,
  type PurposeRef,
  TENANT_OPERATIONS,
  type Caller,
  type Purpose,
  type PurposeList,
} from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { PurposesService } from './purposes.service.js';

@Controller()
export class PurposesMessageController {
  constructor(private readonly purposes: PurposesService) {}

  @Handles(TENANT_OPERATIONS.createPurpose)
  create(@RequestPayload() request: CreatePurposeRequest, @CurrentCaller() caller: Caller): Promise<Purpose> {
    return this.purposes.create(caller, request);
  }

  @Handles(TENANT_OPERATIONS.listPurposes)
  list(@CurrentCaller() caller: Caller): Promise<PurposeList> {
    return this.purposes.list(caller);
  }

  @Handles(TENANT_OPERATIONS.getPurpose)
  get(@RequestPayload() ref: PurposeRef, @CurrentCaller() caller: Caller): Promise<Purpose> {
    return this.purposes.get(caller, ref.id);
  }
}
