import { z } from 'zod';
import { ErrorCode, GardienError } from './errors.js';
import { parsePayload } from './validation.js';

const Schema = z.object({ email: z.string().email(), age: z.number().int().max(150) }).strict();

test('a valid payload is returned typed', () => {
  expect(parsePayload(Schema, { email: 'a@b.fr', age: 3 })).toEqual({ email: 'a@b.fr', age: 3 });
});

test('an invalid payload names paths and reasons, never the values', () => {
  const secret = 'jean.dupont@exemple.fr';
  let caught: unknown;
  try {
    parsePayload(Schema, { email: 'not-an-email', age: 999, extra: secret });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GardienError);
  const error = caught as GardienError;
  expect(error.code).toBe(ErrorCode.ValidationFailed);
  expect(error.details?.map((d) => d.path).sort()).toEqual(['payload', 'payload.age', 'payload.email']);
  expect(JSON.stringify(error.toEnvelope())).not.toContain(secret);
  expect(JSON.stringify(error.toEnvelope())).not.toContain('not-an-email');
});

test('keys that come from the input are not echoed in error paths', () => {
  const Scores = z.record(z.string(), z.number());
  let caught: GardienError | undefined;
  try {
    parsePayload(Scores, { 'jean.dupont@exemple.fr': 'not a number' });
  } catch (error) {
    caught = error as GardienError;
  }
  expect(caught?.details).toEqual([{ path: 'payload.*', reason: 'invalid_type' }]);
});

test('a key of the input is not echoed even when it is shaped like a field name: only the schema\'s own names are', () => {
  const Settings = z.object({ retention_days: z.record(z.string(), z.number()) }).strict();
  const detailsOf = (value: unknown) => {
    try {
      parsePayload(Settings, value);
    } catch (error) {
      return (error as GardienError).details;
    }
    return 'accepted';
  };
  expect(detailsOf({ retention_days: { jean_dupont: 'seven' } })).toEqual([{ path: 'payload.retention_days.*', reason: 'invalid_type' }]);
  expect(detailsOf({ retention_days: { jean_dupont: 7, dupont: 'x\u0000' } })).toEqual([{ path: 'payload.retention_days.*', reason: 'invalid_type' }]);
  expect(detailsOf({ retention_days: { retention_days: 'seven' } })).toEqual([{ path: 'payload.retention_days.retention_days', reason: 'invalid_type' }]);
});

describe('text that would break storage is refused on every boundary', () => {
  const Purpose = z.object({ name: z.string(), tags: z.array(z.string()).optional(), labels: z.record(z.string(), z.string()).optional() }).strict();

  function detailsOf(value: unknown): unknown {
    try {
      parsePayload(Purpose, value);
    } catch (error) {
      return (error as GardienError).details;
    }
    return 'accepted';
  }

  test('a NUL character in any string, or in a key, is VALIDATION_FAILED naming the place only', () => {
    expect(detailsOf({ name: 'Sup\u0000port' })).toEqual([{ path: 'payload.name', reason: 'contains_nul' }]);
    expect(detailsOf({ name: 'ok', tags: ['a', '\u0000'] })).toEqual([{ path: 'payload.tags.1', reason: 'contains_nul' }]);
    expect(detailsOf({ name: 'ok', labels: { 'jean\u0000@exemple.fr': 'x' } })).toEqual([{ path: 'payload.labels.*', reason: 'contains_nul' }]);
  });

  test('a lone surrogate (not well-formed UTF-16, which Postgres cannot store) is refused', () => {
    expect(detailsOf({ name: 'a\ud800b' })).toEqual([{ path: 'payload.name', reason: 'lone_surrogate' }]);
    expect(detailsOf({ name: '\udfff' })).toEqual([{ path: 'payload.name', reason: 'lone_surrogate' }]);
    // `k` is a key of the caller's, not a field of the schema: not named.
    expect(detailsOf({ name: 'ok', labels: { k: 'x\udc00' } })).toEqual([{ path: 'payload.labels.*', reason: 'lone_surrogate' }]);
    expect(detailsOf({ name: 'ok', labels: { jean_dupont: 'x\u0000' } })).toEqual([{ path: 'payload.labels.*', reason: 'contains_nul' }]);
  });

  test('the positive control: whole characters outside the BMP, and every other control character, pass', () => {
    expect(detailsOf({ name: 'emoji \u{1F600} \u{10FFFF}', tags: ['\t\n\u0001\u007f'] })).toBe('accepted');
  });

  test('the value is never echoed', () => {
    let caught: GardienError | undefined;
    try {
      parsePayload(Purpose, { name: 'jean.dupont@exemple.fr\u0000' });
    } catch (error) {
      caught = error as GardienError;
    }
    expect(JSON.stringify(caught?.toEnvelope())).not.toContain('jean');
  });
});
