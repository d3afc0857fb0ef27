// Where an export is read from: its lines from the start (as many times as the verifier needs) and
// its last line alone (the tree head, read first from the end of the file).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { ExportFormatError, MAX_LINE_BYTES, exportLinesOf, type ExportLine, type ExportLineText } from './export-lines.js';

export interface ExportSource {
  lines(): AsyncIterable<ExportLine>;
  /** The last line, its text without the LF; undefined when the source is empty. */
  lastLine(): Promise<Omit<ExportLineText, 'number'> | undefined>;
  /** The file it is read from, when it is one: parts of it can then be read at once (fileLines). */
  readonly path?: string;
}

/** The lines of a file, or of its bytes [start, end) when they begin a line and end one. */
export function fileLines(path: string, bytes?: { start: number; end: number }): AsyncGenerator<ExportLine> {
  const range = bytes === undefined ? {} : { start: bytes.start, end: bytes.end - 1 };
  return exportLinesOf(createReadStream(path, { highWaterMark: 1024 * 1024, ...range }));
}

export function fileExportSource(path: string): ExportSource {
  return {
    path,
    lines: () => fileLines(path),
    lastLine: async () => {
      const file = await open(path, 'r');
      try {
        const { size } = await file.stat();
        if (size === 0) return undefined;
        const length = Math.min(size, MAX_LINE_BYTES + 2);
        const tail = Buffer.alloc(length);
        await file.read(tail, 0, length, size - length);
        const last = lastLineOf(tail);
        if (last.whole && size > length) throw new ExportFormatError(`the last line is over ${MAX_LINE_BYTES} bytes: not an export`);
        return { text: last.text, terminated: last.terminated };
      } finally {
        await file.close();
      }
    },
  };
}

/** An export held in memory (tests, and exports fetched in one piece). */
export function textExportSource(text: string): ExportSource {
  const bytes = Buffer.from(text, 'utf8');
  return {
    lines: () => exportLinesOf((async function* () {
      yield bytes;
    })()),
    lastLine: async () => {
      if (bytes.length === 0) return undefined;
      const { text: last, terminated } = lastLineOf(bytes);
      return { text: last, terminated };
    },
  };
}

/** The last line of the end of an export; `whole` when no LF precedes it there. */
function lastLineOf(tail: Buffer): { text: string; terminated: boolean; whole: boolean } {
  const terminated = tail[tail.length - 1] === 0x0a;
  const body = terminated ? tail.subarray(0, tail.length - 1) : tail;
  const start = body.lastIndexOf(0x0a) + 1;
  return { text: body.subarray(start).toString('utf8'), terminated, whole: start === 0 };
}
