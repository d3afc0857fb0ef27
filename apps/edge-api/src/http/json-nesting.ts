// How deep a JSON text nests, found before it is parsed: one pass over the bytes that counts
// brackets outside strings and stops at the first one past the limit, so a body of a million `[`
// costs a few microseconds per kilobyte instead of a parse. Bytes, not characters: the brackets,
// quotes and backslashes of JSON are ASCII, and no byte of a multi-byte UTF-8 sequence is.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Index of the quote that closes the string opened at `start`, or -1; native search from quote to quote. */
function endOfString(json: Uint8Array, start: number): number {
  for (let at = json.indexOf(QUOTE, start + 1); at !== -1; at = json.indexOf(QUOTE, at + 1)) {
    // Escaped when an odd number of backslashes precede it; each run is counted by one quote only.
    let backslashes = 0;
    while (json[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/**
 * Whether `json` opens more than `maxDepth` arrays or objects inside one another. Exact for valid
 * JSON; for text that is not JSON, the answer only decides which refusal it gets.
 */
export function nestsDeeperThan(json: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (byte === QUOTE) {
      i = endOfString(json, i);
      // An unterminated string: not JSON, and nothing more can open.
      if (i === -1) return false;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}
