// The GGUF file format (version 3, as ggml's docs/gguf.md describes it): a little-endian header
// (magic, version, tensor count, metadata count), the metadata as typed key-value pairs, the tensor
// infos, then the tensor data, aligned (32 bytes unless `general.alignment` says otherwise).

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const DEFAULT_ALIGNMENT = 32;

/** Metadata value types, by their number in the file. */
export enum GgufValueType {
  Uint8 = 0,
  Int8 = 1,
  Uint16 = 2,
  Int16 = 3,
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  Uint64 = 10,
  Int64 = 11,
  Float64 = 12,
}

/** Bytes of a fixed-size scalar of each type (strings and arrays have none). */
export const SCALAR_BYTES: Partial<Record<GgufValueType, number>> = {
  [GgufValueType.Uint8]: 1,
  [GgufValueType.Int8]: 1,
  [GgufValueType.Uint16]: 2,
  [GgufValueType.Int16]: 2,
  [GgufValueType.Uint32]: 4,
  [GgufValueType.Int32]: 4,
  [GgufValueType.Float32]: 4,
  [GgufValueType.Bool]: 1,
  [GgufValueType.Uint64]: 8,
  [GgufValueType.Int64]: 8,
  [GgufValueType.Float64]: 8,
};

/**
 * ggml tensor types: elements per block and bytes per block, for the types whose layout is known
 * here (ggml.c's type traits). A tensor of another type is still accepted; only its bounds in the
 * file cannot be checked before llama.cpp reads it.
 */
export const TENSOR_BLOCKS: ReadonlyMap<number, { elements: number; bytes: number }> = new Map([
  [0, { elements: 1, bytes: 4 }], // F32
  [1, { elements: 1, bytes: 2 }], // F16
  [2, { elements: 32, bytes: 18 }], // Q4_0
  [3, { elements: 32, bytes: 20 }], // Q4_1
  [6, { elements: 32, bytes: 22 }], // Q5_0
  [7, { elements: 32, bytes: 24 }], // Q5_1
  [8, { elements: 32, bytes: 34 }], // Q8_0
  [10, { elements: 256, bytes: 84 }], // Q2_K
  [11, { elements: 256, bytes: 110 }], // Q3_K
  [12, { elements: 256, bytes: 144 }], // Q4_K
  [13, { elements: 256, bytes: 176 }], // Q5_K
  [14, { elements: 256, bytes: 210 }], // Q6_K
  [24, { elements: 1, bytes: 1 }], // I8
  [25, { elements: 1, bytes: 2 }], // I16
  [26, { elements: 1, bytes: 4 }], // I32
  [27, { elements: 1, bytes: 8 }], // I64
  [28, { elements: 1, bytes: 8 }], // F64
  [30, { elements: 1, bytes: 2 }], // BF16
]);
