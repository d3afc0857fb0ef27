// Who may publish and subscribe to what on the bus (rule 3 of the design). The NATS server
// configuration is generated from this, so the contract and the enforcement cannot drift apart.
// Each process has its own user and its own inbox prefix: a service can read only replies meant
// for it, and answer only requests it received (allow_responses).
import { publishableOnlyBy, subjectsRestrictedFrom } from './operations/catalogue.js';
import { TENANT_EVENTS } from './schemas/tenant-events.js';
import { STREAMS, type StreamName } from './subjects.js';
import { CLI_USER, type BusService, type BusUser, type ServiceName } from './services.js';

export { BUS_USERS, CLI_USER, type BusUser } from './services.js';

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

/**
 * A durable JetStream consumer owned by one service: its name starts with the service's name and
 * it reads one subject. Replicas of the service share it (each message goes to one of them).
 */
export interface DurableConsumer {
  readonly name: string;
  readonly stream: StreamName;
  readonly filterSubject: string;
}

/**
 * Every durable consumer of the platform, by owning service. A service may create, look up, pull
 * from and acknowledge its own consumers and no other: NATS wildcards match whole tokens only
 * (`auth-*` is not a pattern), so each consumer is named in full in its owner's permissions.
 */
export const DURABLE_CONSUMERS = {
  auth: {
    tenantDeleted: { name: 'auth-tenant-deleted', stream: 'EVENTS', filterSubject: TENANT_EVENTS.deleted },
  },
} as const satisfies Partial<Record<BusService, Record<string, DurableConsumer>>>;

export function durableConsumersOf(service: ServiceName): DurableConsumer[] {
  const owned: Partial<Record<ServiceName, Record<string, DurableConsumer>>> = DURABLE_CONSUMERS;
  return Object.values(owned[service] ?? {});
}

/**
 * The JetStream API calls of a durable pull consumer (nats.js 3 against nats-server >= 2.9):
 * create it with its filter in the subject (the server refuses a request whose configuration
 * names another filter, so the consumer cannot be widened), look it up (also done by the client
 * after a reconnect), pull, and acknowledge. The acknowledgements are granted explicitly rather
 * than left to allow_responses, which permits one reply per message only (an ack after a
 * progress report would be refused) and forgets pending replies when the server reloads.
 * Deleting or updating a consumer is left to operators.
 */
function durableConsumerSubjects({ name, stream, filterSubject }: DurableConsumer): string[] {
  const streamName = STREAMS[stream].name;
  return [
    `$JS.API.CONSUMER.CREATE.${streamName}.${name}.${filterSubject}`,
    `$JS.API.CONSUMER.INFO.${streamName}.${name}`,
    `$JS.API.CONSUMER.MSG.NEXT.${streamName}.${name}`,
    `$JS.ACK.${streamName}.${name}.>`,
  ];
}

export function busPermissionsOf(user: BusUser): BusPermissions {
  const inbox = `${inboxPrefixOf(user)}.>`;
  if (user === CLI_USER) {
    return { publish: publishableOnlyBy(CLI_USER), publishDeny: [], subscribe: [inbox], allowResponses: false };
  }
  return serviceBusPermissions(user, inbox);
}

function serviceBusPermissions(service: ServiceName, inbox: string): BusPermissions {
  // Operations reserved to other publishers (the CLI's bootstrap, the edge's logins, another
  // service's own token requests): denied, which in nats-server wins over the allow below.
  const publishDeny = subjectsRestrictedFrom(service);
  if (service === 'edge-api') {
    return { publish: ['gardien.v1.>'], publishDeny, subscribe: [inbox], allowResponses: false };
  }
  const publish = [
    'gardien.v1.>',
    `gardien.audit.${service}.>`,
    `gardien.events.${service}.>`,
    ...streamBootstrapSubjects(),
    ...durableConsumersOf(service).flatMap(durableConsumerSubjects),
  ];
  if (service === 'rights-pipeline') publish.push('gardien.rights.>');
  return { publish, publishDeny, subscribe: [`gardien.v1.${service}.>`, inbox], allowResponses: true };
}
