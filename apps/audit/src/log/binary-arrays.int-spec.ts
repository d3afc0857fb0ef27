// The binary arrays of a batch, read back by a real Postgres: every value arrives as it was sent
// (any text of the log's entries, any bytes, the whole range of each integer type, uuids, nulls,
// empty arrays), and an array sent for another type than its cast is refused, never reinterpreted.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { ADMIN_URL } from '@gardien/testing';
import { byteaArray, int2Array, int8Array, textArray, uuidArray } from './binary-arrays.js';

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

async function readBack(array: Buffer, cast: string): Promise<unknown[]> {
  const { rows } = await client.query<{ value: unknown }>(`SELECT value FROM unnest($1::${cast}) WITH ORDINALITY AS t(value, n) ORDER BY n`, [array]);
  return rows.map((row) => row.value);
}

/** Text as the log writes it: JCS escapes U+0000, the one code point a Postgres text cannot hold. */
const storableText = fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => text.replaceAll('\u0000', '\\u0000'));

test('texts (and their UTF-8 bytes) of any script, and nulls, come back as written', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.option(storableText, { nil: null }), { maxLength: 30 }), async (texts) => {
      expect(await readBack(textArray(texts), 'text[]')).toEqual(texts);
      const bytes = texts.map((text) => (text === null ? null : Buffer.from(text, 'utf8')));
      expect(await readBack(textArray(bytes), 'text[]')).toEqual(texts);
    }),
    { numRuns: 100 },
  );
});

test('bytes, integers over their whole range and uuids come back as written', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: -32_768, max: 32_767 }), { maxLength: 20 }),
      fc.array(fc.maxSafeInteger(), { maxLength: 20 }),
      fc.array(fc.uuid(), { maxLength: 20 }),
      async (bytes, smalls, bigs, uuids) => {
        expect((await readBack(byteaArray(bytes), 'bytea[]')).map((value) => Uint8Array.from(value as Buffer))).toEqual(bytes.map((value) => Uint8Array.from(value)));
        expect(await readBack(int2Array(smalls), 'smallint[]')).toEqual(smalls);
        // node-pg reads a bigint as its decimal text.
        expect(await readBack(int8Array(bigs), 'bigint[]')).toEqual(bigs.map(String));
        expect(await readBack(uuidArray(uuids), 'uuid[]')).toEqual(uuids);
      },
    ),
    { numRuns: 100 },
  );
});

test('an array of one type sent as another is refused by the server', async () => {
  await expect(readBack(textArray(['a']), 'bytea[]')).rejects.toThrow(/array element type \d+ \(\w+\) instead of expected/);
  await expect(readBack(int8Array([1]), 'smallint[]')).rejects.toThrow(/array element type \d+ \(\w+\) instead of expected/);
  await expect(readBack(uuidArray([randomUUID()]), 'text[]')).rejects.toThrow(/array element type \d+ \(\w+\) instead of expected/);
});

test('a uuid not in its canonical form is refused before anything is sent', () => {
  expect(() => uuidArray([randomUUID().toUpperCase()])).toThrow('not a canonical uuid');
  expect(() => uuidArray(['not-a-uuid'])).toThrow('not a canonical uuid');
});
