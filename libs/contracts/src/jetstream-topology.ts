// The JetStream objects of the platform as declared: the configuration of each stream and of each
// durable consumer, and how an object found on a server differs from its declaration.
// `gardien provision`, as the only bus user allowed to, creates them from this; every service
// checks at boot the streams and consumers it uses and refuses to start when one differs (a
// stream that captured one more subject, republishes, or copies from elsewhere could hand the
// platform's traffic to whoever configured it). Free of the NATS client: durations are in
// nanoseconds and policies are the strings of the JetStream API.
import type { DurableConsumer } from './bus-permissions.js';
import { STREAMS, type StreamName } from './subjects.js';

const NANOS_PER_MS = 1_000_000;
const DAY_MS = 24 * 3_600_000;

/**
 * Long enough to cover an outbox relay that published, then could not mark its rows (database or
 * process down) for up to an hour; consumers also de-duplicate by entry id beyond that.
 */
export const DEDUPLICATION_WINDOW_MS = 60 * 60_000;

/** How long the server waits for a durable consumer's ack before delivering the message again. */
export const CONSUMER_ACK_WAIT_MS = 60_000;

/** The part of a stream's configuration that the platform declares, as the JetStream API spells it. */
export interface DeclaredStreamConfig {
  name: string;
  subjects: string[];
  retention: 'limits' | 'workqueue';
  storage: 'file';
  /** Nanoseconds; 0 keeps messages until the retention policy removes them. */
  max_age: number;
  /** Nanoseconds. */
  duplicate_window: number;
}

const RETENTION: Record<StreamName, Pick<DeclaredStreamConfig, 'retention' | 'max_age'>> = {
  // Audit entries wait here until the audit service has appended them to its own log.
  AUDIT: { retention: 'limits', max_age: 30 * DAY_MS * NANOS_PER_MS },
  // Data-subject requests are work: each is removed once acknowledged.
  RIGHTS: { retention: 'workqueue', max_age: 0 },
  EVENTS: { retention: 'limits', max_age: 7 * DAY_MS * NANOS_PER_MS },
};

export function declaredStreamConfig(stream: StreamName): DeclaredStreamConfig {
  return {
    name: STREAMS[stream].name,
    subjects: [...STREAMS[stream].subjects],
    storage: 'file',
    duplicate_window: DEDUPLICATION_WINDOW_MS * NANOS_PER_MS,
    ...RETENTION[stream],
  };
}

/** What the consumers of libs/platform (durable, pulled, acknowledged one by one) need of the server. */
export interface DeclaredConsumerConfig {
  durable_name: string;
  filter_subject: string;
  ack_policy: 'explicit';
  /** A consumer created late still sees what the stream kept (EVENTS keeps a week). */
  deliver_policy: 'all';
  /** Nanoseconds. */
  ack_wait: number;
  /** Redelivered until handled: handlers are idempotent, and a failed one backs off. */
  max_deliver: -1;
  /** Only where the consumer declares it (DurableConsumer.maxAckPending). */
  max_ack_pending?: number;
}

export function declaredConsumerConfig(consumer: DurableConsumer): DeclaredConsumerConfig {
  return {
    durable_name: consumer.name,
    filter_subject: consumer.filterSubject,
    ack_policy: 'explicit',
    deliver_policy: 'all',
    ack_wait: CONSUMER_ACK_WAIT_MS * NANOS_PER_MS,
    max_deliver: -1,
    ...(consumer.maxAckPending === undefined ? {} : { max_ack_pending: consumer.maxAckPending }),
  };
}

/** A stream's configuration as a server reports it, in the part that is compared. */
export interface ObservedStreamConfig {
  subjects?: string[];
  retention?: string;
  storage?: string;
  max_age?: number;
  duplicate_window?: number;
  republish?: unknown;
  sources?: unknown[];
  mirror?: unknown;
  subject_transform?: unknown;
}

/**
 * The properties in which a stream differs from its declaration (names only, never values).
 * Subjects must be exactly the declared ones; a republish, a source, a mirror or a subject
 * transform would send the stream's messages, or foreign ones, where nobody declared.
 */
export function streamDifferences(stream: StreamName, observed: ObservedStreamConfig): string[] {
  const declared = declaredStreamConfig(stream);
  const differences: string[] = [];
  if (!sameSet(observed.subjects ?? [], declared.subjects)) differences.push('subjects');
  for (const property of ['retention', 'storage', 'max_age', 'duplicate_window'] as const) {
    if (observed[property] !== declared[property]) differences.push(property);
  }
  if (observed.republish) differences.push('republish');
  if ((observed.sources ?? []).length > 0) differences.push('sources');
  if (observed.mirror) differences.push('mirror');
  if (observed.subject_transform) differences.push('subject_transform');
  return differences;
}

/** A consumer's configuration as a server reports it, in the part that is compared. */
export interface ObservedConsumerConfig {
  durable_name?: string;
  filter_subject?: string;
  filter_subjects?: string[];
  ack_policy?: string;
  deliver_policy?: string;
  deliver_subject?: string;
  ack_wait?: number;
  max_deliver?: number;
  max_ack_pending?: number;
}

/**
 * The properties in which a durable consumer differs from its declaration (names only). A
 * deliver subject would make it a push consumer, whose messages go to whoever listens there.
 */
export function consumerDifferences(consumer: DurableConsumer, observed: ObservedConsumerConfig): string[] {
  const declared = declaredConsumerConfig(consumer);
  const differences: string[] = [];
  for (const property of ['durable_name', 'filter_subject', 'ack_policy', 'deliver_policy', 'ack_wait', 'max_deliver'] as const) {
    if (observed[property] !== declared[property]) differences.push(property);
  }
  if (declared.max_ack_pending !== undefined && observed.max_ack_pending !== declared.max_ack_pending) differences.push('max_ack_pending');
  if ((observed.filter_subjects ?? []).some((subject) => subject !== declared.filter_subject)) differences.push('filter_subjects');
  if (observed.deliver_subject) differences.push('deliver_subject');
  return differences;
}

function sameSet(observed: readonly string[], declared: readonly string[]): boolean {
  return observed.length === declared.length && declared.every((subject) => observed.includes(subject));
}
