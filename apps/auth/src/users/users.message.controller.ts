import { Controller } from '@nestjs/common';
import {
  AUTH_OPERATIONS,
  type CreateInitialAdminRequest,
  type CreateUserRequest,
  type Empty,
  type SetUserRolesRequest,
  type UserRef,
  type CallContext,
  type CreatedUser,
  type MfaEnrolment,
  type Principal,
  type User,
  type UserList,
} from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { UserAccountsService } from './user-accounts.service.js';

@Controller()
export class UsersMessageController {
  constructor(private readonly accounts: UserAccountsService) {}

  @Handles(AUTH_OPERATIONS.createUser)
  create(@RequestPayload() request: CreateUserRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedUser> {
    return this.accounts.create(principal, request, caller.requestId);
  }

  @Handles(AUTH_OPERATIONS.createInitialAdmin)
  createInitialAdmin(@RequestPayload() request: CreateInitialAdminRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedUser> {
    return this.accounts.createInitialAdmin(principal, request, caller.requestId);
  }

  @Handles(AUTH_OPERATIONS.listUsers)
  async list(@CurrentPrincipal() principal: Principal): Promise<UserList> {
    return { users: await this.accounts.list(principal) };
  }

  @Handles(AUTH_OPERATIONS.getUser)
  get(@RequestPayload() request: UserRef, @CurrentPrincipal() principal: Principal): Promise<User> {
    return this.accounts.get(principal, request.id);
  }

  @Handles(AUTH_OPERATIONS.setUserRoles)
  setRoles(@RequestPayload() request: SetUserRolesRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedUser> {
    return this.accounts.setRoles(principal, request, caller.requestId);
  }

  @Handles(AUTH_OPERATIONS.resetUserMfa)
  resetMfa(@RequestPayload() request: UserRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<MfaEnrolment> {
    return this.accounts.resetMfa(principal, request.id, caller.requestId);
  }

  @Handles(AUTH_OPERATIONS.deleteUser)
  async delete(@RequestPayload() request: UserRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.accounts.delete(principal, request.id, caller.requestId);
    return {};
  }
}
