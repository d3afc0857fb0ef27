import { toHeaders } from './bus-client.js';
import { HEADER_TIMEOUT, isValidRequestId, isValidTraceparent, remainingBudgetMs, timeoutBudgetOf } from './headers.js';

test('request ids are UUIDs or ULIDs, nothing a client could fill with personal data', () => {
  expect(isValidRequestId('6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b')).toBe(true);
  expect(isValidRequestId('01JD0Q5Z8K3M4N5P6Q7R8S9T0V')).toBe(true);
  expect(isValidRequestId('0612345678')).toBe(false);
  expect(isValidRequestId('FR7630006000011234567890189')).toBe(false);
  expect(isValidRequestId('jean.dupont')).toBe(false);
  expect(isValidRequestId('jean@exemple.fr')).toBe(false);
  expect(isValidRequestId('a b')).toBe(false);
  expect(isValidRequestId('x'.repeat(129))).toBe(false);
  expect(isValidRequestId(undefined)).toBe(false);
});

test('traceparent follows W3C trace context', () => {
  expect(isValidTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(true);
  expect(isValidTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBe(false);
  expect(isValidTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBe(false);
  expect(isValidTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(false);
  expect(isValidTraceparent('+33 6 12 34 56 78')).toBe(false);
});

test('a request announces how long its caller waits, never longer than what is left of the deadline it acts under', () => {
  const requestId = '6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b';
  expect(toHeaders({ requestId }, {}, 5_000).get(HEADER_TIMEOUT)).toBe('5000');
  expect(toHeaders({ requestId }).get(HEADER_TIMEOUT)).toBe('');
  expect(remainingBudgetMs(5_000, 1_000_300, 1_000_000)).toBe(300);
  expect(remainingBudgetMs(200, 1_000_300, 1_000_000)).toBe(200);
  expect(remainingBudgetMs(5_000, 999_000, 1_000_000)).toBe(1); // already late: the callee abandons at once
});

test('a timeout budget is whole milliseconds within 10 minutes; anything else is ignored', () => {
  expect(timeoutBudgetOf('5000')).toBe(5_000);
  expect(timeoutBudgetOf('600000')).toBe(600_000);
  for (const bad of ['600001', '0', '-1', '1.5', '1e3', ' 5', '05', '', undefined, 5000]) expect(timeoutBudgetOf(bad)).toBeUndefined();
});
