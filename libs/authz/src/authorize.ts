// Checks one action on one concrete resource. Always against the resource's attributes, never the
// bare type: CASL answers "yes" for a type when any conditional rule exists, which would skip the
// tenant, ownership, purpose and classification conditions.
import { subject } from '@casl/ability';
import { AuthzReason, authzError } from './authz.errors.js';
import type { AppAbility } from './app-ability.js';
import type { ActionOn, SubjectAttributes, SubjectType } from './subjects.js';

export function isAllowed<S extends SubjectType>(ability: AppAbility, action: ActionOn<S>, subjectType: S, attributes: SubjectAttributes[S]): boolean {
  // Copied because CASL tags the object it is given with its type.
  const target = subject(subjectType, { ...attributes });
  // TypeScript cannot tie `action` to `subjectType` through the generic; the signature above does.
  return ability.can(...([action, target] as Parameters<AppAbility['can']>));
}

/** Throws a Forbidden GardienError unless `ability` allows `action` on this resource. */
export function authorize<S extends SubjectType>(ability: AppAbility, action: ActionOn<S>, subjectType: S, attributes: SubjectAttributes[S]): void {
  if (!isAllowed(ability, action, subjectType, attributes)) {
    throw authzError(AuthzReason.ActionNotAllowed);
  }
}

/**
 * Throws a Forbidden GardienError unless some grant of the caller could allow `action` on this type
 * of resource at all, its conditions aside. A gate in front of the checks on the concrete resource,
 * so that a caller whose roles never allow the action is refused before anything about the resource
 * is looked up or told; never a replacement for `authorize` on the resource itself.
 */
export function authorizeAny<S extends SubjectType>(ability: AppAbility, action: ActionOn<S>, subjectType: S): void {
  if (!ability.can(...([action, subjectType] as unknown as Parameters<AppAbility['can']>))) {
    throw authzError(AuthzReason.ActionNotAllowed);
  }
}
