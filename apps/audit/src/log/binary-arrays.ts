// One-dimensional Postgres arrays in their binary form (what array_send writes and array_recv
// reads), to send a batch's columns as query parameters: node-pg sends a Buffer parameter in binary,
// and the server then reads each element with the type's receive function instead of parsing the
// array's text (quoted, escaped, hex for bytea), which was a fifth of an append's time on both sides.
// The element type's OID is written in the array and checked by the server against the cast of the
// parameter ($n::uuid[]): a mismatch is refused, never reinterpreted.

const OID = { int2: 21, int8: 20, text: 25, bytea: 17, uuid: 2950 } as const;

const HEADER_BYTES = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An array of `count` elements of `elementBytes` bytes each (after their length), written by `write` at each offset. */
function fixedWidth(oid: number, count: number, elementBytes: number, write: (buffer: Buffer, offset: number, i: number) => void): Buffer {
  const buffer = header(oid, count, false, HEADER_BYTES + count * (4 + elementBytes));
  let offset = count === 0 ? 12 : HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    buffer.writeInt32BE(elementBytes, offset);
    write(buffer, offset + 4, i);
    offset += 4 + elementBytes;
  }
  return buffer.subarray(0, offset);
}

function header(oid: number, count: number, hasNull: boolean, bytes: number): Buffer {
  const buffer = Buffer.allocUnsafe(bytes);
  // An empty array has no dimension at all (ndim 0), as array_send writes it.
  buffer.writeInt32BE(count === 0 ? 0 : 1, 0);
  buffer.writeInt32BE(hasNull ? 1 : 0, 4);
  buffer.writeUInt32BE(oid, 8);
  if (count > 0) {
    buffer.writeInt32BE(count, 12);
    buffer.writeInt32BE(1, 16);
  }
  return buffer;
}

export function int2Array(values: readonly number[]): Buffer {
  return fixedWidth(OID.int2, values.length, 2, (buffer, offset, i) => buffer.writeInt16BE(values[i]!, offset));
}

export function int8Array(values: readonly number[]): Buffer {
  return fixedWidth(OID.int8, values.length, 8, (buffer, offset, i) => buffer.writeBigInt64BE(BigInt(values[i]!), offset));
}

/** Uuids in their canonical text form (lower-case, hyphenated); anything else is refused here. */
export function uuidArray(values: readonly string[]): Buffer {
  return fixedWidth(OID.uuid, values.length, 16, (buffer, offset, i) => {
    const uuid = values[i]!;
    if (!UUID.test(uuid)) throw new TypeError('not a canonical uuid');
    buffer.write(uuid.replaceAll('-', ''), offset, 16, 'hex');
  });
}

/** Values of variable length (null for SQL NULL), each written by `write` at its offset, `sizeOf` bytes long. */
function variableWidth<T>(oid: number, values: ReadonlyArray<T | null>, sizeOf: (value: T) => number, write: (buffer: Buffer, offset: number, value: T, size: number) => void): Buffer {
  const sizes = new Int32Array(values.length);
  let bytes = HEADER_BYTES;
  let hasNull = false;
  values.forEach((value, i) => {
    sizes[i] = value === null ? -1 : sizeOf(value);
    bytes += 4 + Math.max(sizes[i]!, 0);
    if (value === null) hasNull = true;
  });
  const buffer = header(oid, values.length, hasNull, bytes);
  let offset = values.length === 0 ? 12 : HEADER_BYTES;
  values.forEach((value, i) => {
    const size = sizes[i]!;
    buffer.writeInt32BE(size, offset);
    offset += 4;
    if (value === null) return;
    write(buffer, offset, value, size);
    offset += size;
  });
  return buffer.subarray(0, offset);
}

/** Texts, in UTF-8 (the connection's encoding), or their UTF-8 bytes. */
export function textArray(values: ReadonlyArray<string | Uint8Array | null>): Buffer {
  return variableWidth(
    OID.text,
    values,
    (value) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length),
    (buffer, offset, value, size) => (typeof value === 'string' ? buffer.write(value, offset, size, 'utf8') : buffer.set(value, offset)),
  );
}

export function byteaArray(values: readonly Uint8Array[]): Buffer {
  return variableWidth(
    OID.bytea,
    values,
    (value) => value.length,
    (buffer, offset, value) => buffer.set(value, offset),
  );
}
