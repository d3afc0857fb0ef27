// Who may publish and subscribe to what on the bus (rule 3 of the design). The NATS server
// configuration is generated from this, so the contract and the enforcement cannot drift apart.
// Each process has its own user and its own inbox prefix: a process reads only replies meant for
// it, and a service answers only into the inboxes of the processes that call it. No user has
// nats-server's `allow_responses`: with it, a service could send itself a message whose reply
// subject is one its deny list refuses (another service's token subject, the rights pipeline's
// subject operations, a JetStream API call, another service's events) and "answer" it there.
import { publishableOnlyBy, subjectsRestrictedFrom } from './operations/catalogue.js';
import { TENANT_EVENTS } from './schemas/tenant-events.js';
import { STREAMS, deadLetterSubject, type StreamName } from './subjects.js';
import { ALL_SERVICES, BUS_SERVICES, CLI_USER, PROVISIONER_USER, type BusService, type BusUser, type ServiceName } from './services.js';

export { BUS_USERS, CLI_USER, PROVISIONER_USER, type BusUser } from './services.js';

export interface BusPermissions {
  publish: string[];
  /** Refused even where `publish` allows them (in nats-server, deny wins over allow). */
  publishDeny: string[];
  subscribe: string[];
}

export function inboxPrefixOf(user: BusUser): string {
  return `_INBOX_${user}`;
}

/**
 * A durable JetStream consumer owned by one service: its name starts with the service's name and
 * it reads one subject. Replicas of the service share it (each message goes to one of them).
 */
export interface DurableConsumer {
  readonly name: string;
  readonly stream: StreamName;
  readonly filterSubject: string;
  /**
   * How many of its messages may be delivered and not yet acknowledged at once, across its
   * replicas; the server's default (1,000) when absent. A consumer that stores in batches needs
   * room for the batch being stored, the next one, and the messages on their way.
   */
  readonly maxAckPending?: number;
}

/**
 * Every durable consumer of the platform, by owning service. A service may look up, pull from and
 * acknowledge its own consumers and no other: NATS wildcards match whole tokens only
 * (`auth-*` is not a pattern), so each consumer is named in full in its owner's permissions.
 */
export const DURABLE_CONSUMERS = {
  auth: {
    tenantDeleted: { name: 'auth-tenant-deleted', stream: 'EVENTS', filterSubject: TENANT_EVENTS.deleted },
    settingsUpdated: { name: 'auth-settings-updated', stream: 'EVENTS', filterSubject: TENANT_EVENTS.settingsUpdated },
  },
  'vector-store': {
    /** A deleted tenant's documents, chunks, vectors and keys are erased. */
    tenantDeleted: { name: 'vector-store-tenant-deleted', stream: 'EVENTS', filterSubject: TENANT_EVENTS.deleted },
  },
  audit: {
    /** Every service's audit entries, appended to the log in stream order. */
    entries: { name: 'audit-entries', stream: 'AUDIT', filterSubject: 'gardien.audit.>', maxAckPending: 20_000 },
  },
} as const satisfies Partial<Record<BusService, Record<string, DurableConsumer>>>;

export function durableConsumersOf(service: ServiceName): DurableConsumer[] {
  const owned: Partial<Record<ServiceName, Record<string, DurableConsumer>>> = DURABLE_CONSUMERS;
  return Object.values(owned[service] ?? {});
}

/**
 * The streams a service uses: every bus service's outbox relay publishes its audit entries to
 * AUDIT and its domain events to EVENTS; the rights pipeline queues data-subject requests in
 * RIGHTS; and a durable consumer reads its stream. A service checks these at boot.
 */
export function streamsUsedBy(service: BusService): StreamName[] {
  const used = new Set<StreamName>(['AUDIT', 'EVENTS']);
  if (service === 'rights-pipeline') used.add('RIGHTS');
  for (const { stream } of durableConsumersOf(service)) used.add(stream);
  return (Object.keys(STREAMS) as StreamName[]).filter((stream) => used.has(stream));
}

/**
 * JetStream API calls of a service: `$JS.API.INFO` (the client's check that JetStream is there)
 * and the look-up of the streams it uses, to check them at boot. Never a creation or an update:
 * those belong to the provisioner, so that no service can give a stream (or a consumer) a
 * configuration of its choosing (one more subject, a republish into its own inbox, a source).
 */
function streamLookupSubjects(service: BusService): string[] {
  return ['$JS.API.INFO', ...streamsUsedBy(service).map((stream) => `$JS.API.STREAM.INFO.${STREAMS[stream].name}`)];
}

/**
 * The JetStream API calls of a durable pull consumer's owner (nats.js 3 against nats-server >=
 * 2.9): look it up (at boot, to check it, and after a reconnect), pull, and acknowledge. The
 * acknowledgements are granted explicitly rather than left to allow_responses, which permits one
 * reply per message only (an ack after a progress report would be refused) and forgets pending
 * replies when the server reloads. Creating it is the provisioner's; deleting it, an operator's.
 */
function durableConsumerSubjects({ name, stream }: DurableConsumer): string[] {
  const streamName = STREAMS[stream].name;
  return [`$JS.API.CONSUMER.INFO.${streamName}.${name}`, `$JS.API.CONSUMER.MSG.NEXT.${streamName}.${name}`, `$JS.ACK.${streamName}.${name}.>`];
}

/**
 * What the provisioner may do: look up, create and update the declared streams, and look up and
 * create the declared durable consumers, each with its filter in the subject (the server refuses
 * a request whose configuration names another filter). Nothing else: no deletion, no other name.
 */
function provisionerSubjects(): string[] {
  const streams = Object.values(STREAMS).flatMap(({ name }) => [`$JS.API.STREAM.INFO.${name}`, `$JS.API.STREAM.CREATE.${name}`, `$JS.API.STREAM.UPDATE.${name}`]);
  const consumers = allDurableConsumers().flatMap(({ name, stream, filterSubject }) => [
    `$JS.API.CONSUMER.INFO.${STREAMS[stream].name}.${name}`,
    `$JS.API.CONSUMER.CREATE.${STREAMS[stream].name}.${name}.${filterSubject}`,
  ]);
  return ['$JS.API.INFO', ...streams, ...consumers];
}

/** Every durable consumer of the platform, whatever its owner. */
export function allDurableConsumers(): DurableConsumer[] {
  return BUS_SERVICES.flatMap((service) => durableConsumersOf(service));
}

export function busPermissionsOf(user: BusUser): BusPermissions {
  const inbox = `${inboxPrefixOf(user)}.>`;
  if (user === CLI_USER) {
    return { publish: publishableOnlyBy(CLI_USER), publishDeny: [], subscribe: [inbox]};
  }
  if (user === PROVISIONER_USER) {
    return { publish: provisionerSubjects(), publishDeny: [], subscribe: [inbox]};
  }
  return serviceBusPermissions(user, inbox);
}

function serviceBusPermissions(service: ServiceName, inbox: string): BusPermissions {
  // Operations reserved to other publishers (the CLI's bootstrap, the edge's logins, another
  // service's own token requests): denied, which in nats-server wins over the allow below.
  const publishDeny = subjectsRestrictedFrom(service);
  if (service === 'edge-api') {
    return { publish: ['gardien.v1.>'], publishDeny, subscribe: [inbox]};
  }
  const publish = [
    'gardien.v1.>',
    `gardien.audit.${service}.>`,
    `gardien.events.${service}.>`,
    ...streamLookupSubjects(service),
    ...durableConsumersOf(service).flatMap(durableConsumerSubjects),
  ];
  if (service === 'rights-pipeline') publish.push('gardien.rights.>');
  // The audit service reports the entries it refuses (their ids only).
  if (service === 'audit') publish.push(deadLetterSubject(service));
  return { publish: [...publish, ...answerInboxesOf(service)], publishDeny, subscribe: [`gardien.v1.${service}.>`, inbox]};
}

/**
 * Where a service's answers may go: the inboxes of the other processes of the platform (any may
 * call it: the edge for its clients, services in their own name), and for auth the command line's
 * (the bootstrap). Never its own inbox: publishing there is what a reflected request would need.
 */
function answerInboxesOf(service: BusService): string[] {
  const callers: BusUser[] = ALL_SERVICES.filter((caller) => caller !== service);
  if (service === 'auth') callers.push(CLI_USER);
  return callers.map((caller) => `${inboxPrefixOf(caller)}.>`);
}
