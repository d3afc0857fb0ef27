// The CASL ability type of Gardien: each subject type paired with its own actions and attributes, so
// that rule conditions and checks are type-checked against the resource they speak about.
import type { ForcedSubject, MongoAbility } from '@casl/ability';
import type { ActionOn, SubjectAttributes, SubjectType } from './subjects.js';

/** An object handed to CASL for a check: its attributes, tagged with its type. */
export type SubjectInstance<S extends SubjectType> = SubjectAttributes[S] & ForcedSubject<S>;

export type AppAbilities = { [S in SubjectType]: [ActionOn<S>, S | SubjectInstance<S>] }[SubjectType];

export type AppAbility = MongoAbility<AppAbilities>;
