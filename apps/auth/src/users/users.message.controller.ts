import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AUTH_SUBJECTS,
  CreateInitialAdminRequest,
  CreateUserRequest,
  Empty,
  SetUserRolesRequest,
  UserRef,
  type CallContext,
  type CreatedUser,
  type MfaEnrolment,
  type Principal,
  type User,
  type UserList,
} from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { UserAccountsService } from './user-accounts.service.js';

@Controller()
@UseGuards(BusAuthGuard)
export class UsersMessageController {
  constructor(private readonly accounts: UserAccountsService) {}

  @MessagePattern(AUTH_SUBJECTS.createUser)
  create(@Payload(new ZodPayloadPipe(CreateUserRequest)) request: CreateUserRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedUser> {
    return this.accounts.create(principal, request, caller.requestId);
  }

  @MessagePattern(AUTH_SUBJECTS.createInitialAdmin)
  createInitialAdmin(@Payload(new ZodPayloadPipe(CreateInitialAdminRequest)) request: CreateInitialAdminRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedUser> {
    return this.accounts.createInitialAdmin(principal, request, caller.requestId);
  }

  @MessagePattern(AUTH_SUBJECTS.listUsers)
  async list(@Payload(new ZodPayloadPipe(Empty)) _: Empty, @CurrentPrincipal() principal: Principal): Promise<UserList> {
    return { users: await this.accounts.list(principal) };
  }

  @MessagePattern(AUTH_SUBJECTS.getUser)
  get(@Payload(new ZodPayloadPipe(UserRef)) request: UserRef, @CurrentPrincipal() principal: Principal): Promise<User> {
    return this.accounts.get(principal, request.id);
  }

  @MessagePattern(AUTH_SUBJECTS.setUserRoles)
  setRoles(@Payload(new ZodPayloadPipe(SetUserRolesRequest)) request: SetUserRolesRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedUser> {
    return this.accounts.setRoles(principal, request, caller.requestId);
  }

  @MessagePattern(AUTH_SUBJECTS.resetUserMfa)
  resetMfa(@Payload(new ZodPayloadPipe(UserRef)) request: UserRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<MfaEnrolment> {
    return this.accounts.resetMfa(principal, request.id, caller.requestId);
  }

  @MessagePattern(AUTH_SUBJECTS.deleteUser)
  async delete(@Payload(new ZodPayloadPipe(UserRef)) request: UserRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.accounts.delete(principal, request.id, caller.requestId);
    return {};
  }
}
