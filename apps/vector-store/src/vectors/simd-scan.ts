// The dot products of an exact search, in WebAssembly SIMD (four float32 lanes at a time): about four
// times what the plain JavaScript loop does on this machine. The module is ten lines of WebAssembly,
// written here as its bytes (no toolchain, nothing fetched), compiled once; each index owns a
// WebAssembly.Memory holding, 16-byte aligned: the query, the index's rows (each padded with zeros to
// a multiple of four dimensions), then the scores the scan writes, one per row. Where WebAssembly
// SIMD is not available the same layout is scanned in JavaScript.
//
// (func $scan (param $m i32) (param $q i32) (param $rows i32) (param $stride i32) (param $out i32)
//   for each of $rows rows: acc = sum over the row, 4 lanes at a time, of m[..] * q[..];
//   f32 out[row] = the sum of acc's lanes)

const leb = (value: number): number[] => {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
};
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (text: string): number[] => [...leb(text.length), ...Buffer.from(text, 'ascii')];

const I32 = 0x7f;
const V128 = 0x7b;
const [M, Q, ROWS, STRIDE, OUT, ROW, ROW_END, QP, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const i32 = (value: number) => [0x41, ...leb(value)];
const simd = (opcode: number, ...immediates: number[]) => [0xfd, ...leb(opcode), ...immediates];
const V128_LOAD = 0x00;
const V128_CONST = 0x0c;
const F32X4_EXTRACT_LANE = 0x1f;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;

const body = [
  ...[0x02, ...leb(3), I32, 0x01, V128], // locals: row, rowEnd, qp (i32); acc (v128)
  0x02, 0x40, // block
  0x03, 0x40, // loop over rows
  ...get(ROW), ...get(ROWS), 0x4f, 0x0d, 0x01, // row >= rows: done
  ...simd(V128_CONST, ...new Array<number>(16).fill(0)), ...set(ACC),
  ...get(Q), ...set(QP),
  ...get(M), ...get(STRIDE), ...i32(4), 0x6c, 0x6a, ...set(ROW_END),
  0x03, 0x40, // loop over the row, 4 lanes at a time
  ...get(ACC),
  ...get(M), ...simd(V128_LOAD, 4, 0),
  ...get(QP), ...simd(V128_LOAD, 4, 0),
  ...simd(F32X4_MUL), ...simd(F32X4_ADD), ...set(ACC),
  ...get(M), ...i32(16), 0x6a, ...set(M),
  ...get(QP), ...i32(16), 0x6a, ...set(QP),
  ...get(M), ...get(ROW_END), 0x49, 0x0d, 0x00, // m < rowEnd: again
  0x0b,
  ...get(OUT),
  ...get(ACC), ...simd(F32X4_EXTRACT_LANE, 0),
  ...get(ACC), ...simd(F32X4_EXTRACT_LANE, 1), 0x92,
  ...get(ACC), ...simd(F32X4_EXTRACT_LANE, 2), 0x92,
  ...get(ACC), ...simd(F32X4_EXTRACT_LANE, 3), 0x92,
  0x38, 0x02, 0x00, // f32.store
  ...get(OUT), ...i32(4), 0x6a, ...set(OUT),
  ...get(ROW), ...i32(1), 0x6a, ...set(ROW),
  0x0c, 0x00, // next row
  0x0b,
  0x0b,
  0x0b, // end of function
];

const MODULE_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [0x01, 0x60, 0x05, I32, I32, I32, I32, I32, 0x00]),
  ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]),
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, ...name('scan'), 0x00, 0x00]),
  ...section(10, [0x01, ...leb(body.length), ...body]),
]);

type ScanFunction = (matrix: number, query: number, rows: number, stride: number, out: number) => void;

/** What is used of the WebAssembly API (its types are the DOM library's, which this build does not load). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly kind?: 'module';
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

function simdModule(): WasmModule | null {
  if (compiled === undefined) compiled = wasm.validate(MODULE_BYTES) ? new wasm.Module(MODULE_BYTES) : null;
  return compiled;
}

/** Whether scans run in WebAssembly SIMD here (the bench reports it). */
export function simdAvailable(): boolean {
  return simdModule() !== null;
}

const PAGE = 65_536;

/** The memory of one index: its query, its rows and its scores, and the scan over them. */
export class ScanArena {
  readonly stride: number;
  private readonly memory: WasmMemory;
  private readonly scanner: ScanFunction | null;
  private capacity = 0;
  private matrixView!: Float32Array;
  private queryView!: Float32Array;
  private scoresView!: Float32Array;

  constructor(dimensions: number, capacity: number, useSimd = true) {
    this.stride = Math.ceil(dimensions / 4) * 4;
    this.memory = new wasm.Memory({ initial: 1 });
    const module = useSimd ? simdModule() : null;
    this.scanner = module ? (new wasm.Instance(module, { env: { memory: this.memory } }).exports.scan as ScanFunction) : null;
    this.reserve(Math.max(1, capacity));
  }

  /** The rows, `stride` floats each. */
  get matrix(): Float32Array {
    return this.matrixView;
  }

  get rows(): number {
    return this.capacity;
  }

  /** Room for `rows` rows; what the rows held stays. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const queryBytes = this.stride * 4;
    const bytes = queryBytes + rows * this.stride * 4 + rows * 4;
    const pages = Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    this.capacity = rows;
    const buffer = this.memory.buffer;
    this.queryView = new Float32Array(buffer, 0, this.stride);
    this.matrixView = new Float32Array(buffer, queryBytes, rows * this.stride);
    this.scoresView = new Float32Array(buffer, queryBytes + rows * this.stride * 4, rows);
  }

  /** The dot product of `query` with each of the first `rows` rows. */
  scores(query: Float32Array, rows: number): Float32Array {
    this.queryView.fill(0);
    this.queryView.set(query);
    if (this.scanner) {
      this.scanner(this.matrixView.byteOffset, 0, rows, this.stride, this.scoresView.byteOffset);
      return this.scoresView;
    }
    for (let row = 0; row < rows; row++) this.scoresView[row] = dot(this.matrixView, row * this.stride, this.queryView, this.stride);
    return this.scoresView;
  }
}

function dot(matrix: Float32Array, offset: number, query: Float32Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < dims; i += 4) {
    s0 += matrix[offset + i]! * query[i]!;
    s1 += matrix[offset + i + 1]! * query[i + 1]!;
    s2 += matrix[offset + i + 2]! * query[i + 2]!;
    s3 += matrix[offset + i + 3]! * query[i + 3]!;
  }
  return s0 + s1 + s2 + s3;
}
