// Who may publish and subscribe to what on the bus (rule 3 of the design). The NATS server
// configuration is generated from this, so the contract and the enforcement cannot drift apart.
// Each process has its own user and its own inbox prefix: a service can read only replies meant
// for it, and answer only requests it received (allow_responses).
import { AUTH_SUBJECTS } from './schemas/auth-operations.js';
import { STREAMS } from './subjects.js';
import { ALL_SERVICES, type ServiceName } from './services.js';

/** The operator command line (`gardien`): a bus user of its own, but not a service (it serves nothing). */
export const CLI_USER = 'cli';

/** Every NATS user of a deployment: each process of the platform, and the operator command line. */
export const BUS_USERS = [...ALL_SERVICES, CLI_USER] as const;
export type BusUser = (typeof BUS_USERS)[number];

/**
 * Subjects that only the command line, run on the server itself, may publish: creating the
 * super-admin must not be reachable from the edge (HTTP) or from a compromised service.
 */
export const CLI_ONLY_SUBJECTS: readonly string[] = [AUTH_SUBJECTS.bootstrap];

export interface BusPermissions {
  publish: string[];
  /** Refused even where `publish` allows them (in nats-server, deny wins over allow). */
  publishDeny: string[];
  subscribe: string[];
  /** May answer the requests it received, whatever their reply subject. */
  allowResponses: boolean;
}

export function inboxPrefixOf(user: BusUser): string {
  return `_INBOX_${user}`;
}

/** JetStream API calls a service makes at start: look up the streams, create them if missing. */
function streamBootstrapSubjects(): string[] {
  return ['$JS.API.INFO', ...Object.values(STREAMS).flatMap(({ name }) => [`$JS.API.STREAM.INFO.${name}`, `$JS.API.STREAM.CREATE.${name}`])];
}

export function busPermissionsOf(user: BusUser): BusPermissions {
  const inbox = `${inboxPrefixOf(user)}.>`;
  if (user === CLI_USER) {
    return { publish: [...CLI_ONLY_SUBJECTS], publishDeny: [], subscribe: [inbox], allowResponses: false };
  }
  return serviceBusPermissions(user, inbox);
}

function serviceBusPermissions(service: ServiceName, inbox: string): BusPermissions {
  const publishDeny = [...CLI_ONLY_SUBJECTS];
  if (service === 'edge-api') {
    return { publish: ['gardien.v1.>'], publishDeny, subscribe: [inbox], allowResponses: false };
  }
  const publish = ['gardien.v1.>', `gardien.audit.${service}.>`, `gardien.events.${service}.>`, ...streamBootstrapSubjects()];
  if (service === 'rights-pipeline') publish.push('gardien.rights.>');
  return { publish, publishDeny, subscribe: [`gardien.v1.${service}.>`, inbox], allowResponses: true };
}
