// EMAIL: local@domain, letters of any script in both parts (RFC 6531 local parts, internationalised
// domain names), and addresses written apart to keep them from robots: the at sign between blanks
// ("jeanne @ exemple.fr"), in brackets ("[at]", "(at)", "{@}", "(arobase)") or as a word ("arobase");
// dots in brackets ("[dot]", "(point)"), with a blank before them ("camille . martin @ exemple . fr")
// or, after an at written so, as words ("exemple point fr"); an address wrapped at its at sign, a line
// break on one side of it ("camille.martin\n@exemple.fr").
// Written apart, an address needs a top-level domain that exists (a country code or a common generic
// one), so that prose ("on se voit @ 14h", "y = x @ w.T") is left alone. Each address is read from
// its at out both ways, and no walk crosses the at before or after it: each character is read a
// bounded number of times, whatever the text.
import type { Candidate, PiiRecogniser } from '../finding.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, foldedHashes, isAsciiLetter, isDigit, isNumberSpace } from '../text-chars.js';

const SCORE = 0.95;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;
/** Blanks on either side of an at or a dot written apart: at most this many (spaces, tabs, no-break spaces; never a line break). */
const MAX_GAP = 3;

/** ISO 3166 country codes with .eu, .uk, .su and .ac: every two-letter top-level domain. */
const COUNTRY_CODES =
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz ' +
  'de dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it ' +
  'je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni ' +
  'nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj ' +
  'tk tl tm tn to tr tt tv tw tz ua ug uk um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw';
const GENERIC_TLDS = 'com org net edu gov int mil info biz name pro mobi asia app dev tech online site shop store email cloud xyz blog art paris bzh alsace corsica eus';
const KNOWN_TLDS: ReadonlySet<string> = new Set(`${COUNTRY_CODES} ${GENERIC_TLDS}`.split(' '));
/**
 * Country codes that are also French words: after a dot written apart they are read as the word, not
 * as a top-level domain ("on se voit @ midi . de plus"). Tight or in brackets they are domains.
 */
const WORD_TLDS: ReadonlySet<string> = new Set('ai as au ci de es et il je la ma me ne sa se si'.split(' '));

/** An internationalised label in its ASCII form (RFC 5890). */
const ACE_LABEL = /^xn--[a-z0-9-]+$/;

const AT_WORDS: ReadonlySet<string> = new Set(['at', 'arobase', 'arobas']);
/** "at" only in brackets; "arobase" also alone between blanks. */
const BARE_AT_WORDS: ReadonlySet<string> = new Set(['arobase', 'arobas']);
const AT_WORD_HASHES = foldedHashes(AT_WORDS);
const DOT_WORDS: ReadonlySet<string> = new Set(['dot', 'point']);
/** The bracket that closes the one at `c` — ( ), [ ], { } — or undefined: read at every at and at the end of every label, so a comparison rather than a Map. */
const closingOf = (c: number): number | undefined => (c === 40 ? 41 : c === 91 ? 93 : c === 123 ? 125 : undefined);

const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
/** Whether each BMP code unit above ASCII is a letter or a mark: 0 not yet known, 1 yes, 2 no. */
const bmpLetters = new Uint8Array(0x10000);

/** The code units (1, or 2 for a surrogate pair) of the letter or mark of any script at `i`; 0 when there is none. */
function letterAt(text: string, i: number): number {
  const c = codeAt(text, i);
  if (c < 0x80) return isAsciiLetter(c) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff) return (codeAt(text, i + 1) & 0xfc00) === 0xdc00 && LETTER_OR_MARK.test(text.slice(i, i + 2)) ? 2 : 0;
  if (c >= 0xdc00 && c <= 0xdfff) return 0;
  let kind = bmpLetters[c]!;
  if (kind === 0) kind = bmpLetters[c] = LETTER_OR_MARK.test(String.fromCharCode(c)) ? 1 : 2;
  return kind === 1 ? 1 : 0;
}

/** The same for the letter or mark that ends at `end`. */
function letterBefore(text: string, end: number): number {
  if ((codeAt(text, end - 1) & 0xfc00) !== 0xdc00) return letterAt(text, end - 1);
  return (codeAt(text, end - 2) & 0xfc00) === 0xd800 && letterAt(text, end - 2) === 2 ? 2 : 0;
}

const isLocalSign = (c: number): boolean => isDigit(c) || c === 46 /* . */ || c === 95 /* _ */ || c === 37 /* % */ || c === 43 /* + */ || c === 45; /* - */
const localCharBefore = (text: string, end: number): number => (isLocalSign(codeAt(text, end - 1)) ? 1 : letterBefore(text, end));
const domainCharAt = (text: string, i: number): number => (isDigit(codeAt(text, i)) || codeAt(text, i) === 45 ? 1 : letterAt(text, i));
const isGap = (c: number): boolean => isNumberSpace(c) || c === 9;

/** How many code units the line break ending at `end` takes ("\n" 1, "\r\n" 2), none before `limit`; 0 when there is none. */
function lineBreakBefore(text: string, end: number, limit: number): number {
  if (end - 1 < limit || text.charCodeAt(end - 1) !== 10) return 0;
  return end - 2 >= limit && text.charCodeAt(end - 2) === 13 ? 2 : 1;
}

/** The same for the line break starting at `start`, none from `limit`. */
function lineBreakAfter(text: string, start: number, limit: number): number {
  if (start >= limit) return 0;
  const c = text.charCodeAt(start);
  if (c === 10) return 1;
  return c === 13 && start + 1 < limit && text.charCodeAt(start + 1) === 10 ? 2 : 0;
}

/** Where the blanks before `end` start (at most MAX_GAP, none before `limit`). */
function gapBefore(text: string, end: number, limit: number): number {
  let i = end;
  while (i > limit && end - i < MAX_GAP && isGap(text.charCodeAt(i - 1))) i--;
  return i;
}

/** Where the blanks from `start` end (at most MAX_GAP, none from `limit`). */
function gapAfter(text: string, start: number, limit: number): number {
  let i = start;
  while (i < limit && i - start < MAX_GAP && isGap(text.charCodeAt(i))) i++;
  return i;
}

/** [start, end) in brackets, with one blank inside each side at most: the span with its brackets, or undefined. */
function bracketed(text: string, start: number, end: number): { start: number; end: number } | undefined {
  const open = isGap(codeAt(text, start - 1)) ? start - 2 : start - 1;
  const close = isGap(codeAt(text, end)) ? end + 1 : end;
  const closing = closingOf(codeAt(text, open));
  return closing !== undefined && codeAt(text, close) === closing ? { start: open, end: close + 1 } : undefined;
}

/** The word of ASCII letters at `start` in lower case, if it is one of `words` and no letter continues it. */
function wordAt(text: string, start: number, words: ReadonlySet<string>): string | undefined {
  let end = start;
  while (end - start < 5 && isAsciiLetter(codeAt(text, end))) end++;
  const word = text.slice(start, end).toLowerCase();
  return words.has(word) && letterAt(text, end) === 0 ? word : undefined;
}

/** An at: an at sign, alone or in brackets, or a word for it. */
interface At {
  readonly start: number;
  readonly end: number;
  /** An at sign with no brackets (blanks around it or not): its domain's dots may not be words. */
  readonly sign: boolean;
}

/** Every at of the text, in order: the at signs, then the words for one among the words of the text, merged. */
function atsOf(input: ScanInput): At[] {
  const { text, words } = input;
  const signs: At[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    const inBrackets = bracketed(text, at, at + 1);
    signs.push(inBrackets === undefined ? { start: at, end: at + 1, sign: true } : { ...inBrackets, sign: false });
  }
  const written: At[] = [];
  for (let k = 0; k < words.hashes.length; k++) {
    if (!AT_WORD_HASHES.has(words.hashes[k]!)) continue;
    const start = words.starts[k]!;
    const end = words.ends[k]!;
    const word = text.slice(start, end).toLowerCase();
    if (!AT_WORDS.has(word)) continue;
    const inBrackets = bracketed(text, start, end);
    if (inBrackets !== undefined) written.push({ ...inBrackets, sign: false });
    else if (BARE_AT_WORDS.has(word) && isGap(codeAt(text, start - 1)) && isGap(codeAt(text, end))) written.push({ start, end, sign: false });
  }
  if (written.length === 0) return signs;
  const ats: At[] = [];
  for (let s = 0, w = 0; s < signs.length || w < written.length; ) ats.push(w === written.length || (s < signs.length && signs[s]!.start < written[w]!.start) ? signs[s++]! : written[w++]!);
  return ats;
}

/**
 * A dot written apart at `i` (blanks, then "[dot]", "( point )", "[.]"…, a plain dot when `spaced`
 * and there are blanks before it, or the word "dot" or "point" between blanks when `words`), followed
 * by a label before `limit`: where that label starts, or -1.
 */
function writtenDot(text: string, i: number, limit: number, words: boolean, spaced: boolean): number {
  const from = gapAfter(text, i, limit);
  let end: number;
  const closing = closingOf(codeAt(text, from));
  if (codeAt(text, from) === 46) {
    if (!spaced || from === i) return -1;
    end = gapAfter(text, from + 1, limit);
  } else if (closing !== undefined) {
    // "[.]" is written tight ("( . )" is punctuation); "[ dot ]" may have blanks inside.
    const dot = codeAt(text, from + 1) === 46;
    const inner = !dot && isGap(codeAt(text, from + 1)) ? from + 2 : from + 1;
    const word = dot ? '.' : wordAt(text, inner, DOT_WORDS);
    if (word === undefined) return -1;
    const after = inner + word.length;
    const close = !dot && isGap(codeAt(text, after)) ? after + 1 : after;
    if (codeAt(text, close) !== closing) return -1;
    end = gapAfter(text, close + 1, limit);
  } else {
    const word = words && from > i ? wordAt(text, from, DOT_WORDS) : undefined;
    if (word === undefined) return -1;
    end = gapAfter(text, from + word.length, limit);
    if (end === from + word.length) return -1;
  }
  return end < limit && domainCharAt(text, end) !== 0 ? end : -1;
}

/**
 * Where the local part that ends at `end` starts (none of it before `limit`), its dots plain or
 * written apart with a blank before them (" . ", " ."; "camille. martin" is a sentence's end and an
 * address); `spaced` when one is. The local part is read as written: `compact` without its blanks.
 * Reads at most MAX_LOCAL of its characters and MAX_GAP blanks on each side of a dot.
 */
function localPart(text: string, end: number, limit: number): { start: number; compact: string; spaced: boolean } {
  let start = end;
  let length = 0;
  let spaced = false;
  let compact = '';
  for (;;) {
    const wordEnd = start;
    while (start > limit && length <= MAX_LOCAL) {
      const width = localCharBefore(text, start);
      if (width === 0) break;
      start -= width;
      length += width;
    }
    compact = text.slice(start, wordEnd) + compact;
    if (length > MAX_LOCAL) return { start, compact, spaced };
    const blanks = gapBefore(text, start, limit);
    if (blanks === start) return { start, compact, spaced };
    // " .martin": the dot was read with what follows it; " . martin": it stands between blanks.
    let before = blanks;
    if (text.charCodeAt(start) !== 46) {
      if (codeAt(text, blanks - 1) !== 46 || blanks - 1 <= limit) return { start, compact, spaced };
      before = gapBefore(text, blanks - 1, limit);
      if (before === blanks - 1) return { start, compact, spaced };
      compact = `.${compact}`;
      length++;
    }
    if (before <= limit || localCharBefore(text, before) === 0) return { start, compact, spaced };
    start = before;
    spaced = true;
  }
}

function validLocal(local: string): boolean {
  return local.length > 0 && local.length <= MAX_LOCAL && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

const validLabel = (text: string, start: number, end: number): boolean => end > start && end - start <= MAX_LABEL && text.charCodeAt(start) !== 45 && text.charCodeAt(end - 1) !== 45;

/**
 * The top-level domain [start, end): two letters or more (of any script: the normalised text reads
 * the Cyrillic letters drawn like Latin ones as those, so ".рф" is read ".pф"), or an IDNA "xn--"
 * label. Written apart, one of ASCII letters must also exist; after a dot between blanks, one that
 * exists and is not a French word ("fr . reçu", "midi . de plus" are words after a full stop).
 */
function validTld(text: string, start: number, end: number, writtenApart: boolean, afterSpacedDot: boolean): boolean {
  const tld = text.slice(start, end).toLowerCase();
  if (tld.startsWith('xn--')) return ACE_LABEL.test(tld);
  let letters = 0;
  let ascii = 0;
  for (let i = start; i < end; letters++) {
    const width = letterAt(text, i);
    if (width === 0) return false;
    if (text.charCodeAt(i) < 0x80) ascii++;
    i += width;
  }
  if (afterSpacedDot) return KNOWN_TLDS.has(tld) && !WORD_TLDS.has(tld);
  return letters >= 2 && (ascii < letters || !writtenApart || KNOWN_TLDS.has(tld));
}

/**
 * The end of the longest address whose domain starts at `start`: labels joined by dots (written
 * apart too when `writtenApart` allows; between blanks only before the first plain dot: in
 * "exemple.fr . de", the address ends at "fr"), ending where a label is not followed by a plain dot.
 * Reads nothing from `limit` (the next at), and at most one domain's length.
 */
function domainEnd(text: string, start: number, limit: number, writtenApart: boolean, dotWords: boolean): number {
  let best = -1;
  let labels = 0;
  let apart = writtenApart;
  let plainDot = false;
  let afterSpacedDot = false;
  let i = start;
  for (;;) {
    const labelStart = i;
    while (i < limit && i - labelStart <= MAX_LABEL) {
      const width = domainCharAt(text, i);
      if (width === 0) break;
      i += width;
    }
    let labelEnd = i;
    labels++;
    if (i - start > MAX_DOMAIN || (i < limit && domainCharAt(text, i) !== 0)) return best;
    if (text.charCodeAt(i) === 46 && i + 1 < limit && domainCharAt(text, i + 1) !== 0) {
      if (!validLabel(text, labelStart, labelEnd)) return best;
      plainDot = true;
      afterSpacedDot = false;
      i++;
      continue;
    }
    const next = writtenDot(text, i, limit, dotWords, !plainDot);
    // A sentence may end right after the address: a hyphen after it is not part of it.
    if (next === -1) while (labelEnd > labelStart && text.charCodeAt(labelEnd - 1) === 45) labelEnd--;
    if (!validLabel(text, labelStart, labelEnd)) return best;
    if (labels >= 2 && validTld(text, labelStart, labelEnd, apart, afterSpacedDot)) best = labelEnd;
    if (next === -1) return best;
    apart = true;
    afterSpacedDot = codeAt(text, gapAfter(text, i, limit)) === 46;
    i = next;
  }
}

export class EmailRecogniser implements PiiRecogniser {
  readonly name = 'email';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    const candidates: Candidate[] = [];
    const ats = atsOf(input);
    for (let k = 0; k < ats.length; k++) {
      const at = ats[k]!;
      const before = k > 0 ? ats[k - 1]!.end : 0;
      const after = k + 1 < ats.length ? ats[k + 1]!.start : text.length;
      let localEnd = gapBefore(text, at.start, before);
      let domainStart = gapAfter(text, at.end, after);
      // Wrapped at its at sign: a line break on one side, nothing on the other.
      if (at.sign && localEnd === at.start && domainStart === at.end) {
        const breakBefore = lineBreakBefore(text, at.start, before);
        if (breakBefore > 0) localEnd -= breakBefore;
        else domainStart += lineBreakAfter(text, at.end, after);
      }
      const { start, compact, spaced } = localPart(text, localEnd, before);
      if (localCharBefore(text, start) !== 0) continue;
      const writtenApart = !at.sign || localEnd < at.start || domainStart > at.end || spaced;
      // Written apart, the local part is a word of its own, not the end of the address before.
      if (writtenApart && start === before && k > 0) continue;
      if (!validLocal(compact)) continue;
      const end = domainEnd(text, domainStart, after, writtenApart, !at.sign);
      if (end !== -1) candidates.push({ type: 'EMAIL', start, end, score: SCORE });
    }
    return candidates;
  }
}
