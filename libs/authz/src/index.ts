// libs/authz: roles, the attribute-based abilities built from a verified caller, and the check that
// refuses with a Forbidden error. Framework-free: used by every service and by the edge.
export { ROLES, type Role, type Principal } from '@gardien/contracts';
export { MFA_REQUIRED_ROLES, requiresMfa } from './roles.js';
export {
  SUBJECT_TYPES,
  CLASSIFICATIONS,
  type SubjectType,
  type Classification,
  type SubjectActions,
  type SubjectAttributes,
  type ActionOn,
  type Action,
} from './subjects.js';
export type { AppAbility, AppAbilities, SubjectInstance } from './app-ability.js';
export { defineAbilityFor } from './define-ability.js';
export { authorize, authorizeAny, isAllowed } from './authorize.js';
export { callableModels } from './callable-models.js';
export { AUTHZ_ERRORS, AuthzReason, authzError } from './authz.errors.js';
export { TokenVerifier, keySetFromBus, type KeySetSource, type TokenVerifierOptions } from './token-verifier.js';
export { IssuedTokenCache, type Issued, type IssuedTokenCacheOptions } from './issued-token-cache.js';
export { ServiceTokens, DelegatedTokens } from './audience-tokens.js';
