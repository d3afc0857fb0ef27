import { Controller } from '@nestjs/common';
import {
  AUTH_OPERATIONS,
  type Caller,
  type CreateInitialAdminRequest,
  type CreateUserRequest,
  type CreatedUser,
  type Empty,
  type MfaEnrolment,
  type SetUserRolesRequest,
  type User,
  type UserList,
  type UserRef,
} from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { UserAccountsService } from './user-accounts.service.js';

@Controller()
export class UsersMessageController {
  constructor(private readonly accounts: UserAccountsService) {}

  @Handles(AUTH_OPERATIONS.createUser)
  create(@RequestPayload() request: CreateUserRequest, @CurrentCaller() caller: Caller): Promise<CreatedUser> {
    return this.accounts.create(caller, request);
  }

  @Handles(AUTH_OPERATIONS.createInitialAdmin)
  createInitialAdmin(@RequestPayload() request: CreateInitialAdminRequest, @CurrentCaller() caller: Caller): Promise<CreatedUser> {
    return this.accounts.createInitialAdmin(caller, request);
  }

  @Handles(AUTH_OPERATIONS.listUsers)
  async list(@CurrentCaller() caller: Caller): Promise<UserList> {
    return { users: await this.accounts.list(caller) };
  }

  @Handles(AUTH_OPERATIONS.getUser)
  get(@RequestPayload() request: UserRef, @CurrentCaller() caller: Caller): Promise<User> {
    return this.accounts.get(caller, request.id);
  }

  @Handles(AUTH_OPERATIONS.setUserRoles)
  setRoles(@RequestPayload() request: SetUserRolesRequest, @CurrentCaller() caller: Caller): Promise<CreatedUser> {
    return this.accounts.setRoles(caller, request);
  }

  @Handles(AUTH_OPERATIONS.resetUserMfa)
  resetMfa(@RequestPayload() request: UserRef, @CurrentCaller() caller: Caller): Promise<MfaEnrolment> {
    return this.accounts.resetMfa(caller, request.id);
  }

  @Handles(AUTH_OPERATIONS.deleteUser)
  async delete(@RequestPayload() request: UserRef, @CurrentCaller() caller: Caller): Promise<Empty> {
    await this.accounts.delete(caller, request.id);
    return {};
  }
}
