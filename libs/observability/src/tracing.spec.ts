import { isValidTraceparent } from '@gardien/contracts';
import { childTraceparent, extractTraceContext, injectTraceparent, newTraceparent, traceIdOf } from './tracing.js';

test('a child hop keeps the trace id and flags, with a new span id', () => {
  const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const child = childTraceparent(parent);
  expect(isValidTraceparent(child)).toBe(true);
  expect(traceIdOf(child)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  expect(child.endsWith('-01')).toBe(true);
  expect(child.split('-')[2]).not.toBe('00f067aa0ba902b7');
});

test('new traceparents are valid and distinct; propagation round-trips without an SDK', () => {
  const a = newTraceparent();
  expect(isValidTraceparent(a)).toBe(true);
  expect(newTraceparent()).not.toBe(a);
  expect(injectTraceparent(extractTraceContext(a))).toBe(a);
});
