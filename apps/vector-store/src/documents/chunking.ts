// Cuts a document into chunks to embed: at most `maxChars` characters each, cut at the last
// paragraph break, else line break, else sentence end, else space before the limit (a word longer
// than the limit is cut where it must), each chunk after the first starting `overlap` characters
// before the previous one ended, so that a sentence cut in two is whole in one of them. Chunks are
// taken as they stand in the text (no rewriting), whitespace-only ones dropped. Linear in the text.
// Spans to keep whole (the identifiers the PII engine found in the whole document) are never cut:
// a chunk ends before one it would cut and the next starts at its start, so that no chunk holds
// part of an identifier, which no scan of that chunk alone would recognise.
export interface ChunkingOptions {
  maxChars: number;
  overlap: number;
}

export const CHUNKING: ChunkingOptions = { maxChars: 1_000, overlap: 100 };

/** At most this many chunks per document: 256 Ki characters cut at 900 take about 300. */
export const MAX_CHUNKS = 1_024;

export interface Chunk {
  text: string;
  /** Where it starts in the document (UTF-16 code units). */
  start: number;
}

const BREAKS: readonly RegExp[] = [/\n\s*\n/g, /\n/g, /[.!?;:](?=\s)/g, /\s/g];

/** A part of the text, from `start` to `end` (exclusive), in UTF-16 code units. */
export interface TextSpan {
  start: number;
  end: number;
}

export function chunkText(text: string, options: ChunkingOptions = CHUNKING, keepWhole: readonly TextSpan[] = []): Chunk[] {
  if (!(options.maxChars > 0 && options.overlap >= 0 && options.overlap < options.maxChars / 2)) throw new Error('chunking: overlap must be under half the chunk size');
  const spans = [...keepWhole].filter((span) => span.end > span.start).sort((a, b) => a.start - b.start);
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + options.maxChars);
    if (end < text.length) end = cutBefore(text, start, end, options);
    end = notInsidePair(text, start, notInsideSpan(spans, start, end));
    const piece = text.slice(start, end);
    if (piece.trim() !== '') chunks.push({ text: piece, start });
    if (end >= text.length) break;
    start = nextStart(text, start, end - options.overlap, spans);
  }
  return chunks;
}

/** The span that `at` falls strictly inside, if any (spans sorted by start, not overlapping). */
function spanAround(spans: readonly TextSpan[], at: number): TextSpan | undefined {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const span = spans[middle]!;
    if (at <= span.start) high = middle - 1;
    else if (at >= span.end) low = middle + 1;
    else return span;
  }
  return undefined;
}

/** An end moved back to the start of the span it would cut, when the chunk still holds something before it. */
function notInsideSpan(spans: readonly TextSpan[], start: number, end: number): number {
  const span = spanAround(spans, end);
  return span && span.start > start ? span.start : end;
}

/** The best place to end a chunk that may not reach `limit`: a break in its second half if there is one. */
function cutBefore(text: string, start: number, limit: number, options: ChunkingOptions): number {
  const window = text.slice(start, limit);
  const earliest = Math.max(options.overlap + 1, Math.floor(options.maxChars / 2));
  for (const pattern of BREAKS) {
    let last = -1;
    for (const match of window.matchAll(pattern)) last = match.index + match[0].length;
    if (last >= earliest) return start + last;
  }
  return limit;
}

/** Where the next chunk starts: after this one's start (always forward), never inside a span to keep whole or a surrogate pair. */
function nextStart(text: string, start: number, wanted: number, spans: readonly TextSpan[]): number {
  // Inside a span: at its start, or past it when this chunk began there (it then holds the span whole).
  const span = spanAround(spans, wanted);
  const at = notInsidePair(text, 0, span ? (span.start > start ? span.start : span.end) : wanted);
  if (at > start) return at;
  // One unit forward at least; past the span this chunk began with, if that unit is inside it.
  const code = text.charCodeAt(start + 1);
  const forward = code >= 0xdc00 && code <= 0xdfff ? start + 2 : start + 1;
  return spanAround(spans, forward)?.end ?? forward;
}

/** Never between the two halves of a surrogate pair (an emoji, a rare ideogram). */
function notInsidePair(text: string, start: number, at: number): number {
  if (at <= start || at >= text.length) return at;
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}
