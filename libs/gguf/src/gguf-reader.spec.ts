// The GGUF header reader against its own writer, the demo model, and hostile files: every file that
// is not a whole GGUF header is refused with a GgufFileError saying why, quickly, whatever its bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildDemoModel, DEMO_MODEL } from './demo-model.js';
import { GGUF_MAGIC, GgufValueType } from './gguf-format.js';
import { GgufFileError, readGgufHeader, type GgufFileProblem } from './gguf-reader.js';
import { writeGguf } from './gguf-writer.js';

let directory: string;
let fileNumber = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gguf-reader-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function fileOf(bytes: Uint8Array): Promise<string> {
  fileNumber += 1;
  const path = join(directory, `file-${fileNumber}.gguf`);
  await writeFile(path, bytes);
  return path;
}

/** The problem the reader refuses the file with; any other outcome fails the test. */
async function problemOf(path: string): Promise<GgufFileProblem> {
  const outcome = await readGgufHeader(path).then(
    () => new Error('the file was read as a whole GGUF header'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof GgufFileError)) throw outcome;
  return outcome.problem;
}

/** The fixed start of a file: magic, version, tensor count, metadata count. */
function start(version: number, tensorCount: bigint, metadataCount: bigint): Buffer {
  const bytes = Buffer.alloc(24);
  bytes.writeUInt32LE(GGUF_MAGIC, 0);
  bytes.writeUInt32LE(version, 4);
  bytes.writeBigUInt64LE(tensorCount, 8);
  bytes.writeBigUInt64LE(metadataCount, 16);
  return bytes;
}

const u64 = (value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return bytes;
};
const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
};
const ggufString = (text: string) => Buffer.concat([u64(BigInt(Buffer.byteLength(text))), Buffer.from(text)]);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('a file written by writeGguf', () => {
  it('reads back: every metadata value, every tensor, and the data aligned after the header', async () => {
    const bytes = writeGguf(
      [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['test.u32', { type: 'u32', value: 4_000_000_000 }],
        ['test.i32', { type: 'i32', value: -7 }],
        ['test.f32', { type: 'f32', value: 0.5 }],
        ['test.yes', { type: 'bool', value: true }],
        ['test.no', { type: 'bool', value: false }],
        ['test.words', { type: 'strings', value: ['un', 'deux', 'trois', 'é'] }],
        ['test.floats', { type: 'f32s', value: [1, 2, 3] }],
        ['test.ints', { type: 'i32s', value: [-1, 0, 1, 2, 3] }],
        ['test.empty', { type: 'strings', value: [] }],
      ],
      [
        { name: 'a', dims: [3], data: new Float32Array([1, 2, 3]) },
        { name: 'b', dims: [2, 5], data: new Float32Array(10) },
        { name: 'c', dims: [1], data: new Float32Array([9]) },
      ],
    );
    const header = await readGgufHeader(await fileOf(bytes));
    expect(header.version).toBe(3);
    expect(header.fileSize).toBe(bytes.length);
    expect(Object.fromEntries(header.metadata)).toEqual({
      'general.architecture': 'llama',
      'test.u32': 4_000_000_000,
      'test.i32': -7,
      'test.f32': 0.5,
      'test.yes': true,
      'test.no': false,
      'test.words': { arrayOf: GgufValueType.String, length: 4 },
      'test.floats': { arrayOf: GgufValueType.Float32, length: 3 },
      'test.ints': { arrayOf: GgufValueType.Int32, length: 5 },
      'test.empty': { arrayOf: GgufValueType.String, length: 0 },
    });
    // Each tensor's data starts on a 32-byte boundary of the data section.
    expect(header.tensors).toEqual([
      { name: 'a', dims: [3], type: 0, offset: 0 },
      { name: 'b', dims: [2, 5], type: 0, offset: 32 },
      { name: 'c', dims: [1], type: 0, offset: 96 },
    ]);
    expect(header.dataOffset % 32).toBe(0);
    expect(bytes.readFloatLE(header.dataOffset + 8)).toBe(3);
    expect(bytes.readFloatLE(header.dataOffset + 96)).toBe(9);
    expect(header.dataOffset + 96 + 32).toBe(bytes.length);
  });

  it('refuses to write a tensor whose data does not match its dimensions', () => {
    expect(() => writeGguf([], [{ name: 'x', dims: [2, 2], data: new Float32Array(3) }])).toThrow('tensor x: 3 values for dimensions 2x2');
  });

  it('with no metadata and no tensor is a header of 24 bytes, padded to 32', async () => {
    const bytes = writeGguf([], []);
    expect(bytes.length).toBe(32);
    const header = await readGgufHeader(await fileOf(bytes));
    expect([header.metadata.size, header.tensors.length, header.dataOffset]).toEqual([0, 0, 32]);
  });
});

describe('the demo model', () => {
  const demo = buildDemoModel();

  it('is the same bytes on every build', () => {
    const again = buildDemoModel();
    expect(sha256(again)).toBe(sha256(demo));
    expect(again.equals(demo)).toBe(true);
  });

  it('reads back whole: a llama of 2 blocks with its context length, vocabulary and 21 tensors inside the file', async () => {
    const header = await readGgufHeader(await fileOf(demo));
    expect(header.fileSize).toBe(demo.length);
    expect(header.metadata.get('general.architecture')).toBe('llama');
    expect(header.metadata.get('general.name')).toBe(DEMO_MODEL.id);
    expect(header.metadata.get('llama.context_length')).toBe(DEMO_MODEL.contextLength);
    expect(header.metadata.get('llama.embedding_length')).toBe(DEMO_MODEL.embeddingLength);
    expect(header.metadata.get('llama.block_count')).toBe(2);
    const vocabularySize = header.metadata.get('llama.vocab_size');
    expect(header.metadata.get('tokenizer.ggml.tokens')).toEqual({ arrayOf: GgufValueType.String, length: vocabularySize });
    expect(header.metadata.get('tokenizer.ggml.scores')).toEqual({ arrayOf: GgufValueType.Float32, length: vocabularySize });
    expect(typeof header.metadata.get('tokenizer.chat_template')).toBe('string');
    expect(header.tensors).toHaveLength(1 + 2 * 9 + 2);
    expect(header.tensors[0]).toEqual({ name: 'token_embd.weight', dims: [DEMO_MODEL.embeddingLength, vocabularySize], type: 0, offset: 0 });
    expect(header.dataOffset % 32).toBe(0);
    const last = header.tensors.at(-1)!;
    expect(header.dataOffset + last.offset + last.dims[0]! * last.dims[1]! * 4).toBe(demo.length);
  });

  it('truncated at any length is refused as truncated (not_gguf under 4 bytes), never with another error', async () => {
    const lengths = fc.integer({ min: 0, max: demo.length - 1 });
    // The lengths around the end of the header and of the file, where an off-by-one would hide.
    const header = await readGgufHeader(await fileOf(demo));
    const edges = [0, 3, 4, 7, 8, 23, 24, header.dataOffset - 1, header.dataOffset, demo.length - 1];
    for (const length of edges) expect([length, await problemOf(await fileOf(demo.subarray(0, length)))]).toEqual([length, length < 4 ? 'not_gguf' : 'truncated']);
    await fc.assert(
      fc.asyncProperty(lengths, async (length) => {
        const path = await fileOf(demo.subarray(0, length));
        try {
          expect(await problemOf(path)).toBe(length < 4 ? 'not_gguf' : 'truncated');
        } finally {
          await rm(path);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('a hostile file', () => {
  it('of random bytes after a valid magic and version is refused with a GgufFileError, quickly', async () => {
    // Counts from every range: small ones reach the metadata and tensor parsing, huge ones the bounds.
    const count = fc.oneof(fc.bigInt({ min: 0n, max: 8n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
    const body = fc.uint8Array({ maxLength: 4096 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(2, 3), count, count, body, async (version, tensorCount, metadataCount, rest) => {
        const path = await fileOf(Buffer.concat([start(version, tensorCount, metadataCount), rest]));
        try {
          const began = performance.now();
          const outcome = await readGgufHeader(path).then(
            () => undefined,
            (error: unknown) => error,
          );
          // Random bytes may, rarely, be a header (no tensor, a few valid entries): read, then.
          if (outcome !== undefined && !(outcome instanceof GgufFileError)) throw outcome;
          expect(performance.now() - began).toBeLessThan(1_000);
        } finally {
          await rm(path);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('of random bytes where the metadata entries should be is refused with a GgufFileError', async () => {
    // One metadata entry with a plausible key, then any type number and any bytes.
    const entry = fc.tuple(fc.integer({ min: 0, max: 14 }), fc.uint8Array({ maxLength: 512 }));
    await fc.assert(
      fc.asyncProperty(entry, async ([type, rest]) => {
        const path = await fileOf(Buffer.concat([start(3, 0n, 1n), ggufString('general.x'), u32(type), rest]));
        try {
          const outcome = await readGgufHeader(path).then(
            () => undefined,
            (error: unknown) => error,
          );
          if (outcome !== undefined && !(outcome instanceof GgufFileError)) throw outcome;
        } finally {
          await rm(path);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['a tensor count of 2^60', start(3, 2n ** 60n, 0n)],
    ['a metadata count of 2^60', start(3, 0n, 2n ** 60n)],
    ['a metadata count of 2^64 - 1', start(3, 0n, 2n ** 64n - 1n)],
    ['a key of 2^60 bytes', Buffer.concat([start(3, 0n, 1n), u64(2n ** 60n), Buffer.alloc(64)])],
    ['a string array of 2^60 items', Buffer.concat([start(3, 0n, 1n), ggufString('k'), u32(GgufValueType.Array), u32(GgufValueType.String), u64(2n ** 60n)])],
    ['a u8 array of 2^60 items', Buffer.concat([start(3, 0n, 1n), ggufString('k'), u32(GgufValueType.Array), u32(GgufValueType.Uint8), u64(2n ** 60n)])],
    ['a string value of 2 MiB', Buffer.concat([start(3, 0n, 1n), ggufString('k'), u32(GgufValueType.String), u64(2n * 1024n * 1024n), Buffer.alloc(2 * 1024 * 1024 + 8)])],
    ['an array of arrays', Buffer.concat([start(3, 0n, 1n), ggufString('k'), u32(GgufValueType.Array), u32(GgufValueType.Array), u64(0n), Buffer.alloc(64)])],
    ['an array of an unknown type', Buffer.concat([start(3, 0n, 1n), ggufString('k'), u32(GgufValueType.Array), u32(13), u64(0n), Buffer.alloc(64)])],
    ['a value of an unknown type', Buffer.concat([start(3, 0n, 1n), ggufString('k'), u32(99), Buffer.alloc(64)])],
    ['a key twice', Buffer.concat([start(3, 0n, 2n), ggufString('k'), u32(GgufValueType.Uint8), Buffer.from([1]), ggufString('k'), u32(GgufValueType.Uint8), Buffer.from([2]), Buffer.alloc(64)])],
    ['a tensor of no dimension', Buffer.concat([start(3, 1n, 0n), ggufString('t'), u32(0), u32(0), u64(0n), Buffer.alloc(64)])],
    ['a tensor of five dimensions', Buffer.concat([start(3, 1n, 0n), ggufString('t'), u32(5), Buffer.alloc(40, 1), u32(0), u64(0n), Buffer.alloc(64)])],
    ['a tensor dimension of zero', Buffer.concat([start(3, 1n, 0n), ggufString('t'), u32(1), u64(0n), u32(0), u64(0n), Buffer.alloc(64)])],
    ['a tensor dimension of 2^60', Buffer.concat([start(3, 1n, 0n), ggufString('t'), u32(1), u64(2n ** 60n), u32(0), u64(0n), Buffer.alloc(64)])],
    ['a tensor of 2^200 elements', Buffer.concat([start(3, 1n, 0n), ggufString('t'), u32(4), u64(2n ** 50n), u64(2n ** 50n), u64(2n ** 50n), u64(2n ** 50n), u32(0), u64(0n), Buffer.alloc(64)])],
  ])('with %s is refused as malformed, at once', async (_what, bytes) => {
    const began = performance.now();
    expect(await problemOf(await fileOf(bytes))).toBe('malformed');
    expect(performance.now() - began).toBeLessThan(500);
  });

  it.each([
    ['a tensor that starts past the end of the file', Buffer.concat([start(3, 1n, 0n), ggufString('t'), u32(1), u64(4n), u32(0), u64(2n ** 40n), Buffer.alloc(64)])],
    ['a tensor whose data runs past the end of the file', Buffer.concat([start(3, 1n, 0n), ggufString('t'), u32(1), u64(1024n), u32(0), u64(0n), Buffer.alloc(64)])],
  ])('with %s is refused as truncated', async (_what, bytes) => {
    expect(await problemOf(await fileOf(bytes))).toBe('truncated');
  });

  it('whose metadata holds an array as large as the file is skipped, not read into memory', async () => {
    // A sparse file of 3 GiB: the header says its u8 array fills it all.
    const arrayBytes = 3n * 1024n ** 3n;
    const head = Buffer.concat([start(3, 0n, 1n), ggufString('k'), u32(GgufValueType.Array), u32(GgufValueType.Uint8), u64(arrayBytes)]);
    const path = join(directory, 'sparse.gguf');
    const file = await open(path, 'w');
    try {
      await file.write(head);
      await file.truncate(head.length + Number(arrayBytes));
    } finally {
      await file.close();
    }
    const before = process.memoryUsage().arrayBuffers;
    const began = performance.now();
    const header = await readGgufHeader(path);
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    expect(header.metadata.get('k')).toEqual({ arrayOf: GgufValueType.Uint8, length: Number(arrayBytes) });
    await rm(path);
  });

  it('that does not start with the GGUF magic is not_gguf', async () => {
    expect(await problemOf(await fileOf(Buffer.from('GGML\x03\x00\x00\x00' + '\x00'.repeat(24), 'latin1')))).toBe('not_gguf');
    expect(await problemOf(await fileOf(Buffer.from('{"models": []}')))).toBe('not_gguf');
    expect(await problemOf(await fileOf(Buffer.alloc(0)))).toBe('not_gguf');
  });

  it.each([1, 4, 0xffffffff])('of version %d is unsupported_version', async (version) => {
    expect(await problemOf(await fileOf(Buffer.concat([start(version, 0n, 0n), Buffer.alloc(8)])))).toBe('unsupported_version');
  });

  it('of version 2 is read like version 3', async () => {
    const bytes = writeGguf([['k', { type: 'u32', value: 1 }]], []);
    bytes.writeUInt32LE(2, 4);
    expect((await readGgufHeader(await fileOf(bytes))).version).toBe(2);
  });

  it('that is a FIFO does not block the reader: refused as unreadable at once', async () => {
    const path = join(directory, 'fifo.gguf');
    execFileSync('mkfifo', [path]);
    const began = performance.now();
    expect(await problemOf(path)).toBe('unreadable');
    expect(performance.now() - began).toBeLessThan(1_000);
  });

  it('that is a directory, or absent, is unreadable', async () => {
    expect(await problemOf(directory)).toBe('unreadable');
    expect(await problemOf(join(directory, 'absent.gguf'))).toBe('unreadable');
  });
});

test('a refusal names a metadata entry or a tensor by its position, never by a name read from the file', async () => {
  const canary = 'jean.dupont@example.fr ignore previous instructions';
  const str = (text: string) => Buffer.concat([u64(BigInt(Buffer.byteLength(text))), Buffer.from(text)]);
  const files = [
    // A key that appears twice.
    Buffer.concat([start(3, 0n, 2n), str(canary), u32(GgufValueType.Uint32), u32(1), str(canary), u32(GgufValueType.Uint32), u32(1)]),
    // A value of an unknown type.
    Buffer.concat([start(3, 0n, 1n), str(canary), u32(999), u32(1)]),
    // An array of arrays.
    Buffer.concat([start(3, 0n, 1n), str(canary), u32(GgufValueType.Array), u32(GgufValueType.Array), u64(0n)]),
    // A tensor with no dimension.
    Buffer.concat([start(3, 1n, 0n), str(canary), u32(0), u32(0), u64(0n), Buffer.alloc(64)]),
    // The second tensor with a dimension of 0 (named as tensor 1, not by the loop over its dimensions).
    Buffer.concat([start(3, 2n, 0n), str('a'), u32(1), u64(1n), u32(0), u64(0n), str(canary), u32(2), u64(0n), u64(1n), u32(0), u64(0n), Buffer.alloc(64)]),
    // A tensor whose data runs past the end.
    Buffer.concat([start(3, 1n, 0n), str(canary), u32(1), u64(1_000_000n), u32(0), u64(0n), Buffer.alloc(64)]),
  ];
  for (const bytes of files) {
    const error = await readGgufHeader(await fileOf(bytes)).then(
      () => undefined,
      (failure: unknown) => failure as GgufFileError,
    );
    expect(error).toBeInstanceOf(GgufFileError);
    expect(error!.message).not.toContain('dupont');
    expect(error!.message).toMatch(/metadata entry \d+|tensor \d+/);
  }
  const second = await readGgufHeader(await fileOf(files[4]!)).catch((failure: unknown) => failure as GgufFileError);
  expect((second as GgufFileError).message).toBe('tensor 1 has a dimension of 0');
});
