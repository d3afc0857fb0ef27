// Lines of an export as bytes arrive: split on LF (never inside a UTF-8 sequence), each bounded in
// size so that a hostile file cannot make the verifier hold gigabytes in one string, and the last
// marked when it ends without its LF (an export cut in the middle of a line).
export interface ExportLineText {
  /** 1-based, for messages. */
  number: number;
  text: string;
  terminated: boolean;
}

/** An entry's line is about 2 KB; a line of this size is not one. */
export const MAX_LINE_BYTES = 1024 * 1024;

export class ExportFormatError extends Error {}

export async function* exportLinesOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ExportLineText> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  for await (const chunk of chunks) {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let newline = data.indexOf(0x0a);
    while (newline !== -1) {
      const line = Buffer.concat([...pending, data.subarray(0, newline)]);
      pending = [];
      pendingBytes = 0;
      number += 1;
      if (line.length > MAX_LINE_BYTES) throw new ExportFormatError(`line ${number} is over ${MAX_LINE_BYTES} bytes: not an export`);
      yield { number, text: line.toString('utf8'), terminated: true };
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    pendingBytes += data.length;
    if (pendingBytes > MAX_LINE_BYTES) throw new ExportFormatError(`line ${number + 1} is over ${MAX_LINE_BYTES} bytes: not an export`);
    if (data.length > 0) pending.push(data);
  }
  if (pendingBytes > 0) yield { number: number + 1, text: Buffer.concat(pending).toString('utf8'), terminated: false };
}
