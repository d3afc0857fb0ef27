// Writes a GGUF file from metadata and F32 tensors: what the project needs to make its own models
// (the demo model, the test models) without downloading anything. Deterministic: the same input
// gives the same bytes, hence the same sha256.
import { DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, GgufValueType } from './gguf-format.js';

export type GgufWritableValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'strings'; value: readonly string[] }
  | { type: 'f32s'; value: readonly number[] }
  | { type: 'i32s'; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** Dimensions innermost first, as ggml orders them. */
  dims: readonly number[];
  data: Float32Array;
}

class ByteSink {
  private readonly parts: Buffer[] = [];
  length = 0;

  push(part: Buffer): void {
    this.parts.push(part);
    this.length += part.length;
  }
  u32(value: number): void {
    const part = Buffer.alloc(4);
    part.writeUInt32LE(value);
    this.push(part);
  }
  i32(value: number): void {
    const part = Buffer.alloc(4);
    part.writeInt32LE(value);
    this.push(part);
  }
  u64(value: number): void {
    const part = Buffer.alloc(8);
    part.writeBigUInt64LE(BigInt(value));
    this.push(part);
  }
  f32(value: number): void {
    const part = Buffer.alloc(4);
    part.writeFloatLE(value);
    this.push(part);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad > 0) this.push(Buffer.alloc(pad));
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function writeValue(sink: ByteSink, value: GgufWritableValue): void {
  switch (value.type) {
    case 'u32':
      return sink.u32(value.value);
    case 'i32':
      return sink.i32(value.value);
    case 'f32':
      return sink.f32(value.value);
    case 'bool':
      return sink.push(Buffer.from([value.value ? 1 : 0]));
    case 'string':
      return sink.string(value.value);
    case 'strings':
      sink.u32(GgufValueType.String);
      sink.u64(value.value.length);
      return value.value.forEach((item) => sink.string(item));
    case 'f32s':
      sink.u32(GgufValueType.Float32);
      sink.u64(value.value.length);
      return value.value.forEach((item) => sink.f32(item));
    case 'i32s':
      sink.u32(GgufValueType.Int32);
      sink.u64(value.value.length);
      return value.value.forEach((item) => sink.i32(item));
  }
}

const TYPE_NUMBER: Record<GgufWritableValue['type'], GgufValueType> = {
  u32: GgufValueType.Uint32,
  i32: GgufValueType.Int32,
  f32: GgufValueType.Float32,
  bool: GgufValueType.Bool,
  string: GgufValueType.String,
  strings: GgufValueType.Array,
  f32s: GgufValueType.Array,
  i32s: GgufValueType.Array,
};

/** The whole file. Tensors are F32 (type 0), each aligned to 32 bytes. */
export function writeGguf(metadata: ReadonlyArray<readonly [string, GgufWritableValue]>, tensors: readonly GgufTensor[]): Buffer {
  const head = new ByteSink();
  head.u32(GGUF_MAGIC);
  head.u32(GGUF_VERSION);
  head.u64(tensors.length);
  head.u64(metadata.length);
  for (const [key, value] of metadata) {
    head.string(key);
    head.u32(TYPE_NUMBER[value.type]);
    writeValue(head, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
    if (elements !== tensor.data.length) throw new Error(`tensor ${tensor.name}: ${tensor.data.length} values for dimensions ${tensor.dims.join('x')}`);
    head.string(tensor.name);
    head.u32(tensor.dims.length);
    tensor.dims.forEach((dim) => head.u64(dim));
    head.u32(0);
    head.u64(offset);
    offset += alignUp(tensor.data.byteLength, DEFAULT_ALIGNMENT);
  }
  head.padTo(DEFAULT_ALIGNMENT);
  for (const tensor of tensors) {
    head.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    head.padTo(DEFAULT_ALIGNMENT);
  }
  return head.bytes();
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
