import { callContextFor, callerOf, callScopeOf, type CallScope } from './caller.js';
import type { CallContext } from './headers.js';
import type { Principal } from './schemas/identity.js';

const principal: Principal = { kind: 'user', id: '7f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b', tenantId: '1c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01', roles: ['developer'], mfa: true };
const received: CallContext = {
  requestId: '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01',
  token: 'eyJhbGciOiJFZERTQSJ9.e30.sig',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'vendor=1',
  deadline: 1_900_000_000_000,
};

test("a caller is the verified principal, its tenant and the request's scope, without the token it came with", () => {
  expect(callerOf(principal, received)).toEqual({
    principal,
    tenantId: principal.tenantId,
    requestId: received.requestId,
    traceparent: received.traceparent,
    tracestate: received.tracestate,
    deadline: received.deadline,
  });
  expect(callerOf({ ...principal, tenantId: null, roles: ['superadmin'] }, received).tenantId).toBeNull();
});

test('a call made while handling carries the request id, the trace and the deadline on, with its own token only', () => {
  const caller = callerOf(principal, received);
  expect(callContextFor(caller, 'token-for-tenant')).toEqual({ ...callScopeOf(received), token: 'token-for-tenant' });
  expect(callContextFor(caller)).not.toHaveProperty('token');
  expect(callContextFor(caller)).not.toHaveProperty('principal');
});

test('a scope holds only what it has', () => {
  const bare: CallScope = callScopeOf({ requestId: received.requestId });
  expect(bare).toEqual({ requestId: received.requestId });
});
