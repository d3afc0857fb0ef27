// Every bus operation of the platform, by service. Permissions (who may publish what), handler
// coverage tests and the edge all read this one list.
import { BUS_SERVICES, type BusService } from '../services.js';
import { AUTH_OPERATIONS } from './auth.operations.js';
import { operationsOf, type BusOperation, type Publishers } from './bus-operation.js';
import { serviceOperations } from './service.operations.js';
import { TENANT_OPERATIONS } from './tenant.operations.js';

const DOMAIN_OPERATIONS: readonly BusOperation[] = [...operationsOf(AUTH_OPERATIONS), ...operationsOf(TENANT_OPERATIONS)];

export const BUS_OPERATIONS: readonly BusOperation[] = Object.freeze([
  ...DOMAIN_OPERATIONS,
  ...BUS_SERVICES.flatMap((service) => Object.values(serviceOperations(service))),
]);

/** The operations a service must answer. */
export function operationsAnsweredBy(service: BusService): BusOperation[] {
  return BUS_OPERATIONS.filter((operation) => operation.service === service);
}

/** Subjects only the given publishers may send. */
export function subjectsPublishedOnlyBy(publishers: Exclude<Publishers, 'any'>): string[] {
  return BUS_OPERATIONS.filter((operation) => operation.publishers === publishers).map((operation) => operation.subject);
}
