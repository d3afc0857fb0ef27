import fc from 'fast-check';
import { AUTH_OPERATIONS, serviceOperations, serviceTokenOperation, tokenExchangeOperation } from '@gardien/contracts';
import { refusalOf } from './reply-guarded-nats.server.js';

const inbox = (user: string) => `_INBOX_${user}.AbCdEf0123456789.42`;

test('a request is handled only when it asks for its answer in a process’s inbox', () => {
  expect(refusalOf({ subject: AUTH_OPERATIONS.me.subject, reply: inbox('edge-api') })).toBeUndefined();
  expect(refusalOf({ subject: AUTH_OPERATIONS.me.subject })).toBe('no_inbox_reply');
  // The default inbox of NATS clients (tools, tests on an open bus) may ask for what anyone may.
  expect(refusalOf({ subject: AUTH_OPERATIONS.me.subject, reply: '_INBOX.AbCdEf.1' })).toBeUndefined();
  expect(refusalOf({ subject: AUTH_OPERATIONS.login.subject, reply: '_INBOX.AbCdEf.1' })).toBe('reply_outside_publishers');
  for (const reply of ['gardien.events.tenant.tenant.deleted', '$JS.API.STREAM.CREATE.AUDIT', 'gardien.v1.auth.bootstrap', '_INBOX_edge-api', '_INBOX_nobody.x', '_INBOX_edge-apix.y', '_INBOX']) {
    expect([reply, refusalOf({ subject: AUTH_OPERATIONS.me.subject, reply })]).toEqual([reply, 'no_inbox_reply']);
  }
});

test('an operation reserved to some publishers is handled only for them: their inbox, and no other', () => {
  const cases: Array<[string, string, boolean]> = [
    [AUTH_OPERATIONS.login.subject, 'edge-api', true],
    [AUTH_OPERATIONS.login.subject, 'llm-gateway', false],
    [AUTH_OPERATIONS.bootstrap.subject, 'cli', true],
    [AUTH_OPERATIONS.bootstrap.subject, 'tenant', false],
    [serviceTokenOperation('rights-pipeline').subject, 'rights-pipeline', true],
    [serviceTokenOperation('rights-pipeline').subject, 'llm-gateway', false],
    [tokenExchangeOperation('edge-api').subject, 'vector-store', false],
    [serviceOperations('auth').subjectErase.subject, 'rights-pipeline', true],
    [serviceOperations('auth').subjectErase.subject, 'edge-api', false],
    [serviceOperations('tenant').health.subject, 'edge-api', true],
  ];
  for (const [subject, caller, handled] of cases) {
    expect([subject, caller, refusalOf({ subject, reply: inbox(caller) })]).toEqual([subject, caller, handled ? undefined : 'reply_outside_publishers']);
  }
});

test('any reply subject that is not an inbox is refused, whatever it is', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (reply) => {
      const refusal = refusalOf({ subject: AUTH_OPERATIONS.me.subject, reply });
      if (!/^_INBOX(_[a-z-]+)?\./.test(reply)) expect(refusal).toBe('no_inbox_reply');
    }),
  );
});
