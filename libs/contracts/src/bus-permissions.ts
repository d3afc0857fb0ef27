// Who may publish and subscribe to what on the bus (rule 3 of the design). The NATS server
// configuration is generated from this, so the contract and the enforcement cannot drift apart.
// Each process has its own user and its own inbox prefix: a service can read only replies meant
// for it, and answer only requests it received (allow_responses).
import { STREAMS } from './subjects.js';
import type { ServiceName } from './services.js';

export interface BusPermissions {
  publish: string[];
  subscribe: string[];
  /** May answer the requests it received, whatever their reply subject. */
  allowResponses: boolean;
}

export function inboxPrefixOf(service: ServiceName): string {
  return `_INBOX_${service}`;
}

/** JetStream API calls a service makes at start: look up the streams, create them if missing. */
function streamBootstrapSubjects(): string[] {
  return ['$JS.API.INFO', ...Object.values(STREAMS).flatMap(({ name }) => [`$JS.API.STREAM.INFO.${name}`, `$JS.API.STREAM.CREATE.${name}`])];
}

export function busPermissionsOf(service: ServiceName): BusPermissions {
  const inbox = `${inboxPrefixOf(service)}.>`;
  if (service === 'edge-api') {
    return { publish: ['gardien.v1.>'], subscribe: [inbox], allowResponses: false };
  }
  const publish = ['gardien.v1.>', `gardien.audit.${service}.>`, `gardien.events.${service}.>`, ...streamBootstrapSubjects()];
  if (service === 'rights-pipeline') publish.push('gardien.rights.>');
  return { publish, subscribe: [`gardien.v1.${service}.>`, inbox], allowResponses: true };
}
