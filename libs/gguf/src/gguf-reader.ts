// Reads what precedes the tensor data of a GGUF file, without trusting it: every count and length is
// checked against the bytes the file really has, so that a truncated, corrupted or hostile file is
// refused with a reason instead of making the reader allocate or loop without bound. Tensor data
// is not read: its bounds are checked against the file's size (for the tensor types whose layout
// is known), which is what tells a truncated file from a whole one.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType, SCALAR_BYTES, TENSOR_BLOCKS } from './gguf-format.js';

export type GgufFileProblem = 'unreadable' | 'not_gguf' | 'unsupported_version' | 'truncated' | 'malformed';

export class GgufFileError extends Error {
  override readonly name = 'GgufFileError';
  constructor(
    readonly problem: GgufFileProblem,
    message: string,
  ) {
    super(message);
  }
}

/** A metadata value: scalars and strings as they are, arrays by their item type and length only. */
export type GgufMetadataValue = number | bigint | boolean | string | { arrayOf: GgufValueType; length: number };

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: number;
  /** From the start of the tensor data. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  metadata: ReadonlyMap<string, GgufMetadataValue>;
  tensors: readonly GgufTensorInfo[];
  /** Where the tensor data starts in the file. */
  dataOffset: number;
  fileSize: number;
}

/** Strings longer than this (a chat template is a few KiB) are a malformed file here. */
const MAX_STRING_BYTES = 1024 * 1024;
const MAX_DIMS = 4;
const WINDOW_BYTES = 1024 * 1024;

/** Reads a file's header by windows of WINDOW_BYTES; every read past the end is `truncated`. */
class FileCursor {
  private window = Buffer.alloc(0);
  private windowStart = 0;
  position = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  async take(bytes: number): Promise<Buffer> {
    if (bytes < 0 || this.position + bytes > this.size) throw new GgufFileError('truncated', 'the file ends inside its header');
    const end = this.position + bytes;
    if (end > this.windowStart + this.window.length || this.position < this.windowStart) {
      const length = Math.min(Math.max(bytes, WINDOW_BYTES), this.size - this.position);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await this.file.read(buffer, 0, length, this.position);
      if (bytesRead < bytes) throw new GgufFileError('truncated', 'the file ends inside its header');
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = this.position;
    }
    const start = this.position - this.windowStart;
    this.position = end;
    return this.window.subarray(start, start + bytes);
  }

  async u32(): Promise<number> {
    return (await this.take(4)).readUInt32LE(0);
  }

  /** Moves past `bytes` without reading them: an array of numbers may be as large as the file. */
  skip(bytes: number): void {
    if (bytes < 0 || this.position + bytes > this.size) throw new GgufFileError('truncated', 'the file ends inside its header');
    this.position += bytes;
  }

  /**
   * A u64 count of units of `per` bytes at least: more than any file could hold is a malformed
   * file; more than the rest of this one holds, a truncated one (a copy cut short says so).
   */
  async count(per: number, what: string): Promise<number> {
    const value = (await this.take(8)).readBigUInt64LE(0);
    const unit = BigInt(Math.max(per, 1));
    if (value * unit > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFileError('malformed', `${what} is larger than any file could hold`);
    if (value * unit > BigInt(this.size - this.position)) throw new GgufFileError('truncated', `the file ends before ${what} says`);
    return Number(value);
  }

  async string(what: string): Promise<string> {
    const length = (await this.take(8)).readBigUInt64LE(0);
    if (length > BigInt(MAX_STRING_BYTES)) throw new GgufFileError('malformed', `${what} is longer than ${MAX_STRING_BYTES} bytes`);
    return (await this.take(Number(length))).toString('utf8');
  }
}

async function readScalar(cursor: FileCursor, type: GgufValueType): Promise<number | bigint | boolean> {
  const bytes = SCALAR_BYTES[type]!;
  const buffer = await cursor.take(bytes);
  switch (type) {
    case GgufValueType.Uint8:
      return buffer.readUInt8(0);
    case GgufValueType.Int8:
      return buffer.readInt8(0);
    case GgufValueType.Uint16:
      return buffer.readUInt16LE(0);
    case GgufValueType.Int16:
      return buffer.readInt16LE(0);
    case GgufValueType.Uint32:
      return buffer.readUInt32LE(0);
    case GgufValueType.Int32:
      return buffer.readInt32LE(0);
    case GgufValueType.Float32:
      return buffer.readFloatLE(0);
    case GgufValueType.Bool:
      return buffer.readUInt8(0) !== 0;
    case GgufValueType.Uint64:
      return buffer.readBigUInt64LE(0);
    case GgufValueType.Int64:
      return buffer.readBigInt64LE(0);
    case GgufValueType.Float64:
      return buffer.readDoubleLE(0);
    case GgufValueType.String:
    case GgufValueType.Array:
      throw new GgufFileError('malformed', `metadata type ${type} is not a scalar`);
  }
}

/** `entry`: how a refusal names the entry, by its position (a key read from the file is never quoted). */
async function readValue(cursor: FileCursor, type: number, entry: string): Promise<GgufMetadataValue> {
  if (type === GgufValueType.String) return cursor.string(`the value of ${entry}`);
  if (type === GgufValueType.Array) {
    const itemType = await cursor.u32();
    if (itemType === GgufValueType.Array) throw new GgufFileError('malformed', `${entry} is an array of arrays`);
    const itemBytes = itemType === GgufValueType.String ? 8 : SCALAR_BYTES[itemType as GgufValueType];
    if (itemBytes === undefined) throw new GgufFileError('malformed', `${entry} has items of unknown type ${itemType}`);
    const length = await cursor.count(itemBytes, `the length of ${entry}`);
    if (itemType === GgufValueType.String) {
      for (let index = 0; index < length; index += 1) await cursor.string(`an item of ${entry}`);
    } else {
      cursor.skip(length * itemBytes);
    }
    return { arrayOf: itemType, length };
  }
  if (SCALAR_BYTES[type as GgufValueType] === undefined) throw new GgufFileError('malformed', `${entry} has unknown type ${type}`);
  return readScalar(cursor, type as GgufValueType);
}

async function readTensorInfo(cursor: FileCursor, index: number): Promise<GgufTensorInfo> {
  const name = await cursor.string(`the name of tensor ${index}`);
  const dimCount = await cursor.u32();
  if (dimCount < 1 || dimCount > MAX_DIMS) throw new GgufFileError('malformed', `tensor ${index} has ${dimCount} dimensions`);
  const dims: number[] = [];
  for (let axis = 0; axis < dimCount; axis += 1) {
    const dim = (await cursor.take(8)).readBigUInt64LE(0);
    if (dim < 1n || dim > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFileError('malformed', `tensor ${index} has a dimension of ${dim}`);
    dims.push(Number(dim));
  }
  const type = await cursor.u32();
  const offset = (await cursor.take(8)).readBigUInt64LE(0);
  if (offset > BigInt(cursor.size)) throw new GgufFileError('truncated', `tensor ${index} starts past the end of the file`);
  return { name, dims, type, offset: Number(offset) };
}

function tensorBytes(tensor: GgufTensorInfo): number | undefined {
  const block = TENSOR_BLOCKS.get(tensor.type);
  if (!block) return undefined;
  const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
  return Math.ceil(elements / block.elements) * block.bytes;
}

async function readFrom(file: FileHandle, size: number): Promise<GgufHeader> {
  const cursor = new FileCursor(file, size);
  if (size < 4 || (await cursor.u32()) !== GGUF_MAGIC) throw new GgufFileError('not_gguf', 'the file does not start with the GGUF magic');
  const version = await cursor.u32();
  if (version !== 2 && version !== 3) throw new GgufFileError('unsupported_version', `GGUF version ${version} (2 and 3 are read)`);
  // Each tensor info takes at least 8 + 4 + 8 + 4 + 8 bytes, each metadata entry at least 8 + 4 + 1.
  const tensorCount = await cursor.count(32, 'the tensor count');
  const metadataCount = await cursor.count(13, 'the metadata count');
  const metadata = new Map<string, GgufMetadataValue>();
  for (let index = 0; index < metadataCount; index += 1) {
    const key = await cursor.string(`the key of metadata entry ${index}`);
    const type = await cursor.u32();
    if (metadata.has(key)) throw new GgufFileError('malformed', `the key of metadata entry ${index} appears twice`);
    metadata.set(key, await readValue(cursor, type, `metadata entry ${index}`));
  }
  const tensors: GgufTensorInfo[] = [];
  for (let index = 0; index < tensorCount; index += 1) tensors.push(await readTensorInfo(cursor, index));
  const alignmentValue = metadata.get('general.alignment');
  const alignment = typeof alignmentValue === 'number' && alignmentValue > 0 && Number.isInteger(alignmentValue) ? alignmentValue : DEFAULT_ALIGNMENT;
  const dataOffset = Math.ceil(cursor.position / alignment) * alignment;
  for (const [index, tensor] of tensors.entries()) {
    const bytes = tensorBytes(tensor) ?? 0;
    if (bytes > Number.MAX_SAFE_INTEGER) throw new GgufFileError('malformed', `tensor ${index} is larger than any file could hold`);
    if (dataOffset + tensor.offset + bytes > size) throw new GgufFileError('truncated', `the data of tensor ${index} runs past the end of the file`);
  }
  return { version, metadata, tensors, dataOffset, fileSize: size };
}

/** The header of the GGUF file at `path`, or a GgufFileError saying what is wrong with it. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  let file: FileHandle;
  try {
    // O_NONBLOCK: a FIFO or a device put in the file's place does not block the open.
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new GgufFileError('unreadable', 'the file cannot be opened');
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new GgufFileError('unreadable', 'not a regular file');
    return await readFrom(file, info.size);
  } finally {
    await file.close();
  }
}
