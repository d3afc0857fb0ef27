// How one JetStream message is settled: ack only after the handler succeeded, nak with a growing
// delay when it failed, term (and a log line with a code, not the payload) when it is not valid.
import { Writable } from 'node:stream';
import { z } from 'zod';
import { ErrorCode, type DurableConsumer } from '@gardien/contracts';
import { createLogger } from '@gardien/observability';
import { retryDelayMs } from './durable-consumer-loop.js';
import { settleEvent, type EventDelivery, type EventMessage, type EventSubscription } from './event-consumer.js';

const CANARY = 'canary.event@example.test';
const consumer: DurableConsumer = { name: 'auth-probe', stream: 'EVENTS', filterSubject: 'gardien.events.tenant.probe' };
const Probe = z.object({ tenantId: z.string().uuid() });
const tenantId = '0b0c6a1e-59a4-4f7e-9c0e-3c1f1e2d7a10';

class FakeMessage implements EventMessage {
  readonly settled: string[] = [];
  readonly headers;
  readonly info;

  constructor(
    readonly data: Uint8Array,
    { deliveryCount = 1, messageId }: { deliveryCount?: number; messageId?: string } = {},
  ) {
    this.headers = messageId ? ({ get: (key: string) => (key === 'Nats-Msg-Id' ? messageId : '') } as EventMessage['headers']) : undefined;
    this.info = { streamSequence: 42, deliveryCount } as EventMessage['info'];
  }
  ack() {
    this.settled.push('ack');
  }
  nak(millis?: number) {
    this.settled.push(`nak:${millis}`);
  }
  term(reason?: string) {
    this.settled.push(reason === undefined ? 'term' : `term:${reason}`);
  }
  working() {
    this.settled.push('working');
  }
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
let lines: string[];
let handled: Array<{ event: unknown; delivery: EventDelivery }>;

function subscription(handle?: EventSubscription<typeof Probe>['handle'], extra: Partial<EventSubscription<typeof Probe>> = {}): EventSubscription<typeof Probe> {
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return {
    consumer,
    schema: Probe,
    logger: createLogger({ service: 'probe', level: 'debug', destination }),
    handle:
      handle ??
      (async (event, delivery) => {
        handled.push({ event, delivery });
      }),
    retry: { firstMs: 100, maxMs: 1_000 },
    ...extra,
  };
}

beforeEach(() => {
  lines = [];
  handled = [];
});

test('a valid event is handled once, then acknowledged, with its delivery details', async () => {
  const message = new FakeMessage(json({ tenantId, extra: 'dropped' }), { messageId: 'msg-1' });
  expect(await settleEvent(message, subscription())).toBe('acknowledged');
  expect(handled).toEqual([{ event: { tenantId }, delivery: { messageId: 'msg-1', streamSequence: 42, deliveryCount: 1 } }]);
  expect(message.settled).toEqual(['ack']);
});

test('the ack comes only after the handler has finished', async () => {
  let release!: () => void;
  const message = new FakeMessage(json({ tenantId }));
  const settling = settleEvent(
    message,
    subscription(() => new Promise<void>((resolve) => (release = resolve))),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(message.settled).toEqual([]);
  release();
  expect(await settling).toBe('acknowledged');
  expect(message.settled).toEqual(['ack']);
});

test('a failed handler naks the message with a delay that grows with each delivery, and never acks it', async () => {
  const failing = subscription(async () => {
    throw new Error(`database down while erasing ${CANARY}`);
  });
  const first = new FakeMessage(json({ tenantId }), { deliveryCount: 1 });
  const third = new FakeMessage(json({ tenantId }), { deliveryCount: 3 });
  const tenth = new FakeMessage(json({ tenantId }), { deliveryCount: 10 });
  expect(await settleEvent(first, failing)).toBe('retried');
  await settleEvent(third, failing);
  await settleEvent(tenth, failing);
  expect([first.settled, third.settled, tenth.settled]).toEqual([['nak:100'], ['nak:400'], ['nak:1000']]);
  expect(lines.join('')).not.toContain(CANARY); // a foreign error's message may quote data: not logged
});

test.each([
  ['not JSON', new TextEncoder().encode(`{"tenantId": "${CANARY}"`)],
  ['not UTF-8', Uint8Array.from([0xff, 0xfe, 0x7b])],
  ['the wrong shape', json({ tenantId: CANARY })],
  ['empty', new Uint8Array()],
])('a payload that is %s is terminated without reaching the handler, and logged by code only', async (_case, data) => {
  const message = new FakeMessage(data);
  expect(await settleEvent(message, subscription())).toBe('terminated');
  expect(handled).toEqual([]);
  expect(message.settled).toEqual(['term']);
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', consumer: 'auth-probe', streamSequence: 42, code: ErrorCode.ValidationFailed });
  expect(lines[0]).not.toContain(CANARY);
  expect(lines[0]).not.toContain('tenantId');
});

test('a slow handler reports progress so that the server does not deliver the message again meanwhile', async () => {
  const message = new FakeMessage(json({ tenantId }));
  const slow = subscription(() => new Promise((resolve) => setTimeout(resolve, 260)), { progressEveryMs: 100 });
  expect(await settleEvent(message, slow)).toBe('acknowledged');
  expect(message.settled.at(-1)).toBe('ack');
  expect(message.settled.slice(0, -1).length).toBeGreaterThanOrEqual(1);
  expect(new Set(message.settled.slice(0, -1))).toEqual(new Set(['working']));
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(message.settled.at(-1)).toBe('ack'); // no progress reported after the ack
});

test('retry delays double from the first delay and stop at the maximum', () => {
  const retry = { firstMs: 1_000, maxMs: 60_000 };
  expect([1, 2, 3, 6, 7, 1_000].map((count) => retryDelayMs(count, retry))).toEqual([1_000, 2_000, 4_000, 32_000, 60_000, 60_000]);
});
