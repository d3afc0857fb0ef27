// Every bus operation of the platform, by service. Permissions (who may publish what), handler
// coverage tests and the edge all read this one list.
import { BUS_SERVICES, type BusService, type BusUser } from '../services.js';
import { AUDIT_OPERATIONS } from './audit.operations.js';
import { AUTH_OPERATIONS } from './auth.operations.js';
import { LLM_OPERATIONS } from './llm.operations.js';
import { operationsOf, type BusOperation } from './bus-operation.js';
import { serviceOperations } from './service.operations.js';
import { TENANT_OPERATIONS } from './tenant.operations.js';
import { TOKEN_OPERATIONS } from './token.operations.js';
import { VECTOR_STORE_OPERATIONS } from './vector-store.operations.js';

const DOMAIN_OPERATIONS: readonly BusOperation[] = [...operationsOf(AUTH_OPERATIONS), ...TOKEN_OPERATIONS, ...operationsOf(TENANT_OPERATIONS), ...operationsOf(AUDIT_OPERATIONS), ...operationsOf(LLM_OPERATIONS), ...operationsOf(VECTOR_STORE_OPERATIONS)];

export const BUS_OPERATIONS: readonly BusOperation[] = Object.freeze([
  ...DOMAIN_OPERATIONS,
  ...BUS_SERVICES.flatMap((service) => Object.values(serviceOperations(service))),
]);

/** The operations a service must answer. */
export function operationsAnsweredBy(service: BusService): BusOperation[] {
  return BUS_OPERATIONS.filter((operation) => operation.service === service);
}

/** Subjects reserved to other publishers than `user`: what its permissions must deny. */
export function subjectsRestrictedFrom(user: BusUser): string[] {
  return BUS_OPERATIONS.filter(({ publishers }) => publishers !== 'any' && !publishers.includes(user)).map(({ subject }) => subject);
}

/** Subjects reserved to publishers that include `user` (all a user without general rights may send). */
export function publishableOnlyBy(user: BusUser): string[] {
  return BUS_OPERATIONS.filter(({ publishers }) => publishers !== 'any' && publishers.includes(user)).map(({ subject }) => subject);
}
