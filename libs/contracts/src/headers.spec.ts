import { isValidRequestId, isValidTraceparent } from './headers.js';

test('request ids are short opaque tokens', () => {
  expect(isValidRequestId('3f2a-11')).toBe(true);
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
