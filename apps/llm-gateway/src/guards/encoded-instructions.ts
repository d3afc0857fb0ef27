// Instructions hidden in base64, which a model decodes on request ("decode this and do what it
// says: aWdub3JlIGFsbCBwcmV2aW91cy…"). Long runs of the base64 alphabet (line breaks inside allowed,
// as in wrapped base64) are decoded, and those that decode to text are given back so that the guard
// can look for instructions in them. Runs that decode to binary (an image, a key, a long word that
// happens to use only base64 letters) are dropped. Linear: each character is read once and each run
// decoded once; decoded texts are three quarters of their runs' length. Text means valid UTF-8 with
// next to no control characters.
import { Buffer } from 'node:buffer';

/** Shorter runs are words; 24 characters decode to 18 bytes, a short sentence. */
const MIN_RUN = 24;
const MIN_PRINTABLE_SHARE = 0.95;

const isBase64Char = (c: number) =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x2d || c === 0x5f;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Control characters other than tabs and line breaks: text has next to none, binary has many. */
const isControl = (c: number) => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c < 0xa0);

function decodedText(run: string): string | undefined {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(run, 'base64'));
  } catch {
    return undefined;
  }
  let controls = 0;
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) controls++;
  return text.length > 0 && controls <= text.length * (1 - MIN_PRINTABLE_SHARE) ? text : undefined;
}

/** The texts that the base64 runs of `text` decode to. */
export function decodedBase64Texts(text: string): string[] {
  const texts: string[] = [];
  let pieces: string[] = [];
  let runLength = 0;
  let pieceStart = -1;
  const closePiece = (end: number) => {
    if (pieceStart !== -1) pieces.push(text.slice(pieceStart, end));
    pieceStart = -1;
  };
  const closeRun = () => {
    if (runLength >= MIN_RUN) {
      const decoded = decodedText(pieces.join(''));
      if (decoded !== undefined) texts.push(decoded);
    }
    pieces = [];
    runLength = 0;
  };
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    if (isBase64Char(c)) {
      if (pieceStart === -1) pieceStart = i;
      runLength++;
      continue;
    }
    closePiece(i);
    // Padding ends a run; one line break (CRLF included) inside a run continues it.
    const lineBreak = c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) === 0x0a);
    if (lineBreak && runLength > 0 && isBase64Char(text.charCodeAt(c === 0x0d ? i + 2 : i + 1))) {
      if (c === 0x0d) i++;
      continue;
    }
    closeRun();
  }
  return texts;
}
