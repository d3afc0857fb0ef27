import fc from 'fast-check';
import { z } from 'zod';
import { typedQuery } from './query-values.js';

const schema = z
  .object({
    limit: z.number().int().min(1).max(100).optional(),
    verified: z.boolean().optional(),
    actions: z.array(z.string().max(20)).max(5).optional(),
    after: z.string().max(40).optional(),
  })
  .strict();

test('values are read as their fields expect, then the schema decides', () => {
  expect(typedQuery(schema, { limit: '20', verified: 'true', actions: 'user.created', after: '42' })).toEqual({
    limit: 20,
    verified: true,
    actions: ['user.created'],
    after: '42',
  });
  expect(schema.safeParse(typedQuery(schema, { actions: ['a', 'b'] })).success).toBe(true);
});

test('what is not a number, a boolean or a single value stays as given, for the schema to refuse', () => {
  for (const raw of [{ limit: 'abc' }, { limit: '1e3' }, { limit: ['1', '2'] }, { verified: 'yes' }, { unknown: 'x' }, { limit: '0x10' }]) {
    expect(schema.safeParse(typedQuery(schema, raw)).success).toBe(false);
  }
});

test('any query string either validates or is refused, never throws', () => {
  const value = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }));
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom('limit', 'verified', 'actions', 'after', '__proto__', 'constructor', 'x'), value), (raw) => {
      const result = schema.safeParse(typedQuery(schema, raw));
      if (result.success) expect(Object.keys(result.data).every((key) => key in schema.shape)).toBe(true);
    }),
  );
});
