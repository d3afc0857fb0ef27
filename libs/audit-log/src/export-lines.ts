// Lines of an export as bytes arrive: split on LF (never inside a UTF-8 sequence), each bounded in
// size so that a hostile file cannot make the verifier hold gigabytes in one line, and the last
// marked when it ends without its LF (an export cut in the middle of a line). Lines are kept as
// bytes (a view of the chunk read, copied only when a line spans two chunks): the verifier hashes
// an entry's bytes as written and decodes text only where it must read JSON.
export interface ExportLine {
  /** 1-based, for messages. */
  number: number;
  bytes: Buffer;
  terminated: boolean;
}

/** A line decoded, for what reads it as JSON. */
export interface ExportLineText {
  number: number;
  text: string;
  terminated: boolean;
}

/** An entry's line is about 2 KB; a line of this size is not one. */
export const MAX_LINE_BYTES = 1024 * 1024;

export class ExportFormatError extends Error {}

export function lineText(line: ExportLine): ExportLineText {
  return { number: line.number, text: line.bytes.toString('utf8'), terminated: line.terminated };
}

export async function* exportLinesOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ExportLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  for await (const chunk of chunks) {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let newline = data.indexOf(0x0a);
    while (newline !== -1) {
      const bytes = pending.length === 0 ? data.subarray(0, newline) : Buffer.concat([...pending, data.subarray(0, newline)]);
      pending = [];
      pendingBytes = 0;
      number += 1;
      if (bytes.length > MAX_LINE_BYTES) throw new ExportFormatError(`line ${number} is over ${MAX_LINE_BYTES} bytes: not an export`);
      yield { number, bytes, terminated: true };
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    pendingBytes += data.length;
    if (pendingBytes > MAX_LINE_BYTES) throw new ExportFormatError(`line ${number + 1} is over ${MAX_LINE_BYTES} bytes: not an export`);
    if (data.length > 0) pending.push(data);
  }
  if (pendingBytes > 0) yield { number: number + 1, bytes: Buffer.concat(pending), terminated: false };
}
