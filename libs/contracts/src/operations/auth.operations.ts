// The auth service's bus operations. Login, refresh and the API-key exchange carry a client's
// credentials and the address it came from: only the edge may publish them. The bootstrap creates
// the super-admin: only the operator command line may publish it.
import { z } from 'zod';
import {
  ApiKeyList,
  ApiKeyRef,
  BootstrapRequest,
  BootstrapResult,
  ChangePasswordRequest,
  ConfirmMfaRequest,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreatedUser,
  CreateInitialAdminRequest,
  CreateUserRequest,
  Empty,
  EnrolMfaRequest,
  ExchangeApiKeyRequest,
  ExchangedApiKey,
  LoginRequest,
  LogoutRequest,
  Me,
  MfaEnrolment,
  RefreshRequest,
  SetUserRolesRequest,
  TokenPair,
  User,
  UserList,
  UserRef,
} from '../schemas/auth-operations.js';
import { JsonWebKeySet } from '../schemas/identity.js';
import { busOperation } from './bus-operation.js';

const auth = 'auth' as const;

export const AUTH_OPERATIONS = {
  login: busOperation({ service: auth, action: 'login', request: LoginRequest, reply: TokenPair, authenticated: false, publishers: ['edge-api'] }),
  refresh: busOperation({ service: auth, action: 'refresh', request: RefreshRequest, reply: TokenPair, authenticated: false, publishers: ['edge-api'] }),
  logout: busOperation({ service: auth, action: 'logout', request: LogoutRequest, reply: Empty, authenticated: true }),
  me: busOperation({ service: auth, action: 'me', request: Empty, reply: Me, authenticated: true }),
  enrolMfa: busOperation({ service: auth, action: 'mfa.enrol', request: EnrolMfaRequest, reply: MfaEnrolment, authenticated: true }),
  confirmMfa: busOperation({ service: auth, action: 'mfa.confirm', request: ConfirmMfaRequest, reply: Empty, authenticated: true }),
  changePassword: busOperation({ service: auth, action: 'password.change', request: ChangePasswordRequest, reply: Empty, authenticated: true }),
  createUser: busOperation({ service: auth, action: 'users.create', request: CreateUserRequest, reply: CreatedUser, authenticated: true }),
  createInitialAdmin: busOperation({
    service: auth,
    action: 'users.initial-admin.create',
    request: CreateInitialAdminRequest,
    reply: CreatedUser,
    authenticated: true,
  }),
  listUsers: busOperation({ service: auth, action: 'users.list', request: Empty, reply: UserList, authenticated: true }),
  getUser: busOperation({ service: auth, action: 'users.get', request: UserRef, reply: User, authenticated: true }),
  // With `totp_uri`, once, when a new role requires MFA of a user not enrolled yet.
  setUserRoles: busOperation({ service: auth, action: 'users.roles.set', request: SetUserRolesRequest, reply: CreatedUser, authenticated: true }),
  resetUserMfa: busOperation({ service: auth, action: 'users.mfa.reset', request: UserRef, reply: MfaEnrolment, authenticated: true }),
  deleteUser: busOperation({ service: auth, action: 'users.delete', request: UserRef, reply: Empty, authenticated: true }),
  createApiKey: busOperation({ service: auth, action: 'api-keys.create', request: CreateApiKeyRequest, reply: CreatedApiKey, authenticated: true }),
  listApiKeys: busOperation({ service: auth, action: 'api-keys.list', request: Empty, reply: ApiKeyList, authenticated: true }),
  revokeApiKey: busOperation({ service: auth, action: 'api-keys.revoke', request: ApiKeyRef, reply: Empty, authenticated: true }),
  rotateApiKey: busOperation({ service: auth, action: 'api-keys.rotate', request: ApiKeyRef, reply: CreatedApiKey, authenticated: true }),
  exchangeApiKey: busOperation({
    service: auth,
    action: 'api-keys.exchange',
    request: ExchangeApiKeyRequest,
    reply: ExchangedApiKey,
    authenticated: false,
    publishers: ['edge-api'],
  }),
  // Creating accounts runs argon2id twice and the tenant service once: longer than the default.
  bootstrap: busOperation({
    service: auth,
    action: 'bootstrap',
    request: BootstrapRequest,
    reply: BootstrapResult,
    authenticated: false,
    publishers: ['cli'],
    timeoutMs: 30_000,
  }),
  /** Public: the keys that verify access tokens. */
  jwks: busOperation({ service: auth, action: 'jwks', request: z.object({}).strict(), reply: JsonWebKeySet, authenticated: false, timeoutMs: 2_000 }),
} as const;
