// The publishing side of the audit bench's append rate, in a worker thread of its own: in
// production the publishers are the other services (their outbox relays), on cores of their own;
// here they would otherwise take the audit service's. Entries are published to stream AUDIT as a
// relay publishes them (the entry's id as Nats-Msg-Id, each publish acknowledged by the stream
// with its PubAck), at most WINDOW awaiting their PubAck at once. The PubAcks come to one inbox
// subscription of this thread's own instead of a request (a promise, a timer and an Error each)
// per message, which cost more than the rest of the publish: what reaches the stream, and what
// the stream answers, is the same. A PubAck with an error, or from another stream, fails the run.
// Posts 'connected' once connected, starts publishing when told 'go', and posts
// { published, seconds } once every entry is acknowledged by the stream.
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { connect, createInbox, headers } from '@nats-io/transport-node';
import { STREAMS, auditSubject } from '@gardien/contracts';

const WINDOW = 1_000;
/** A PubAck that does not come within this is a failed run, not a hung one. */
const ACK_TIMEOUT_MS = 30_000;

/** An entry of the catalogue as auth writes one: the `n`th of the run, in `tenantId`'s log. */
export function benchEntry(tenantId, n) {
  return {
    id: randomUUID(),
    occurredAt: new Date(Date.UTC(2026, 11, 2, 10, 0, 0) + n).toISOString(),
    service: 'auth',
    action: 'login.succeeded',
    outcome: 'success',
    tenantId,
    actor: { type: 'user', id: randomUUID() },
    target: { type: 'session', id: randomUUID() },
    details: { durationMs: n % 1000 },
    requestId: randomUUID(),
  };
}

async function publishAll(port, { url, tenants, count }) {
  // What the services would have written, made before the clock starts: not the audit service's work.
  const messages = Array.from({ length: count }, (_, i) => {
    const entry = benchEntry(tenants[i % tenants.length], i);
    const messageHeaders = headers();
    messageHeaders.set('Nats-Msg-Id', entry.id);
    return { payload: JSON.stringify(entry), headers: messageHeaders };
  });
  const connection = await connect({ servers: url });
  const inbox = createInbox();
  let acknowledged = 0;
  let failure;
  let wake;
  connection.subscribe(`${inbox}.*`, {
    callback: (error, message) => {
      const ack = error ? { error } : message.json();
      if (ack.error !== undefined || ack.stream !== STREAMS.AUDIT.name) failure ??= new Error(`publish not acknowledged by the stream: ${JSON.stringify(ack.error ?? ack)}`);
      acknowledged += 1;
      wake?.();
    },
  });
  await connection.flush();
  await new Promise((resolve) => {
    port.once('message', resolve);
    port.postMessage('connected');
  });
  const settled = (atLeast) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no PubAck for ${ACK_TIMEOUT_MS} ms (${acknowledged} of ${count} acknowledged)`)), ACK_TIMEOUT_MS);
      wake = () => {
        if (acknowledged < atLeast && !failure) return;
        clearTimeout(timer);
        resolve();
      };
      wake();
    });
  const subject = auditSubject('auth', 'login.succeeded');
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    if (i - acknowledged >= WINDOW) await settled(i - WINDOW / 2);
    if (failure) throw failure;
    connection.publish(subject, messages[i].payload, { reply: `${inbox}.${i}`, headers: messages[i].headers });
  }
  await settled(count);
  if (failure) throw failure;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await connection.close();
  return { published: count, seconds };
}

if (parentPort !== null && workerData?.role === 'audit-publisher') {
  parentPort.postMessage(await publishAll(parentPort, workerData));
}
