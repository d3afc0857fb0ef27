// A stream or consumer as a server reports it is compared with its declaration: what a server
// filled in by default does not count, and anything that would send the stream's messages (or
// foreign ones) elsewhere does, by name only.
import fc from 'fast-check';
import { DURABLE_CONSUMERS } from './bus-permissions.js';
import { consumerDifferences, declaredConsumerConfig, declaredStreamConfig, streamDifferences } from './jetstream-topology.js';
import { STREAMS, type StreamName } from './subjects.js';

const STREAM_NAMES = Object.keys(STREAMS) as StreamName[];
const consumer = DURABLE_CONSUMERS.auth.tenantDeleted;

/** What nats-server 2.9 answers for a stream created with the declared configuration. */
function asReported(stream: StreamName) {
  return {
    ...declaredStreamConfig(stream),
    max_consumers: -1,
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    discard: 'old',
    num_replicas: 1,
    allow_direct: false,
    mirror_direct: false,
    sealed: false,
    deny_delete: false,
    deny_purge: false,
    allow_rollup_hdrs: false,
  };
}

test('the declared streams: AUDIT keeps 30 days, EVENTS 7, RIGHTS is a work queue; all on file, one hour of de-duplication', () => {
  expect(declaredStreamConfig('AUDIT')).toEqual({
    name: 'AUDIT',
    subjects: ['gardien.audit.>'],
    retention: 'limits',
    storage: 'file',
    max_age: 30 * 86_400 * 1e9,
    duplicate_window: 3_600 * 1e9,
  });
  expect(declaredStreamConfig('RIGHTS')).toMatchObject({ retention: 'workqueue', max_age: 0 });
  expect(declaredStreamConfig('EVENTS')).toMatchObject({ retention: 'limits', max_age: 7 * 86_400 * 1e9 });
});

test.each(STREAM_NAMES)('%s as a server reports it after creating it as declared differs in nothing', (stream) => {
  expect(streamDifferences(stream, asReported(stream))).toEqual([]);
  expect(streamDifferences(stream, { ...asReported(stream), subjects: [...declaredStreamConfig(stream).subjects].reverse(), sources: [] })).toEqual([]);
});

test('the stream of the attack (logins captured and republished) differs in its subjects and its republish, and the values are not named', () => {
  const differences = streamDifferences('AUDIT', {
    ...asReported('AUDIT'),
    subjects: ['gardien.audit.>', 'gardien.v1.auth.login'],
    republish: { src: 'gardien.v1.auth.login', dest: '_INBOX_llm-gateway.stolen' },
  });
  expect(differences).toEqual(['subjects', 'republish']);
  expect(differences.join()).not.toContain('gardien.v1');
});

test('sources, a mirror, a subject transform, another storage, retention, age or window are each reported', () => {
  const reported = asReported('EVENTS');
  expect(streamDifferences('EVENTS', { ...reported, sources: [{ name: 'ELSEWHERE' }] })).toEqual(['sources']);
  expect(streamDifferences('EVENTS', { ...reported, mirror: { name: 'ELSEWHERE' } })).toEqual(['mirror']);
  expect(streamDifferences('EVENTS', { ...reported, subject_transform: { src: '>', dest: 'x.>' } })).toEqual(['subject_transform']);
  expect(streamDifferences('EVENTS', { ...reported, storage: 'memory', retention: 'interest', max_age: 0, duplicate_window: 1 })).toEqual([
    'retention',
    'storage',
    'max_age',
    'duplicate_window',
  ]);
  expect(streamDifferences('EVENTS', {})).toEqual(['subjects', 'retention', 'storage', 'max_age', 'duplicate_window']);
});

test('property: any subject list other than the declared set is reported, and the declared set in any order is not', () => {
  const subject = fc.stringMatching(/^[a-z>*]{1,8}(\.[a-z>*]{1,8}){0,3}$/);
  const case_ = fc.tuple(fc.constantFrom(...STREAM_NAMES), fc.uniqueArray(subject, { maxLength: 4 }), fc.boolean()).chain(([stream, extra, keepDeclared]) => {
    const declared = declaredStreamConfig(stream).subjects;
    const subjects = [...(keepDeclared ? declared : []), ...extra.filter((s) => !declared.includes(s))];
    const asDeclared = keepDeclared && subjects.length === declared.length;
    return fc.tuple(fc.constant(stream), fc.shuffledSubarray(subjects, { minLength: subjects.length }), fc.constant(asDeclared));
  });
  fc.assert(
    fc.property(case_, ([stream, subjects, asDeclared]) => {
      expect(streamDifferences(stream, { ...asReported(stream), subjects })).toEqual(asDeclared ? [] : ['subjects']);
    }),
  );
});

test('the declared consumer of auth is durable, explicitly acknowledged, reads its one subject from the start', () => {
  expect(declaredConsumerConfig(consumer)).toEqual({
    durable_name: 'auth-tenant-deleted',
    filter_subject: 'gardien.events.tenant.tenant.deleted',
    ack_policy: 'explicit',
    deliver_policy: 'all',
    ack_wait: 60 * 1e9,
    max_deliver: -1,
  });
});

test('a consumer made a push consumer, widened, or acknowledged otherwise is reported', () => {
  const reported = { ...declaredConsumerConfig(consumer), name: consumer.name, replay_policy: 'instant', max_ack_pending: 1000, max_waiting: 512 };
  expect(consumerDifferences(consumer, reported)).toEqual([]);
  expect(consumerDifferences(consumer, { ...reported, filter_subjects: [consumer.filterSubject] })).toEqual([]);
  expect(consumerDifferences(consumer, { ...reported, deliver_subject: '_INBOX_llm-gateway.x' })).toEqual(['deliver_subject']);
  expect(consumerDifferences(consumer, { ...reported, filter_subject: 'gardien.events.>' })).toEqual(['filter_subject']);
  expect(consumerDifferences(consumer, { ...reported, filter_subjects: ['gardien.events.>'] })).toEqual(['filter_subjects']);
  expect(consumerDifferences(consumer, { ...reported, ack_policy: 'none', deliver_policy: 'new', ack_wait: 1, max_deliver: 1 })).toEqual([
    'ack_policy',
    'deliver_policy',
    'ack_wait',
    'max_deliver',
  ]);
});
