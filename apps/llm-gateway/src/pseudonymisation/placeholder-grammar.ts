// The placeholder grammar, read by one hand-written scanner that pseudonymisation (to neutralise
// look-alikes the user typed), re-identification (to find placeholders in the answer) and streaming
// (to hold back a partial one at the end of a chunk) share, so the three cannot disagree.
//
//   placeholder := "<" type "_" counter ">"        e.g. <EMAIL_1>, <DATE_OF_BIRTH_12>
//   type        := segment ("_" segment)*          segment := [A-Z] [A-Z0-9]*
//   counter     := [1-9] [0-9]*
//
// Bounded: a type of at most 32 characters and a counter of at most 9 digits, so whoever meets a `<`
// reads at most MAX_PLACEHOLDER_LENGTH characters from it before knowing what it is. A counter has
// no leading zero, so each placeholder has one spelling and lookups compare strings as written.

export const MAX_TYPE_LENGTH = 32;
export const MAX_COUNTER_DIGITS = 9;
export const MAX_PLACEHOLDER_LENGTH = 1 + MAX_TYPE_LENGTH + 1 + MAX_COUNTER_DIGITS + 1;
export const MAX_COUNTER = 10 ** MAX_COUNTER_DIGITS - 1;

/** What stands at a `<`: a whole placeholder (ending at `end`), the start of one cut by the end of the text, or neither. */
export type PlaceholderScan = { readonly kind: 'placeholder'; readonly end: number } | { readonly kind: 'partial' } | { readonly kind: 'none' };

const NONE: PlaceholderScan = { kind: 'none' };
const PARTIAL: PlaceholderScan = { kind: 'partial' };

const enum State {
  SegmentStart,
  Segment,
  AfterUnderscore,
  Counter,
}

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Reads the placeholder that may start at `at`, looking no further than `limit` (the end of the text by default). */
export function scanPlaceholder(text: string, at: number, limit = text.length): PlaceholderScan {
  if (text.charCodeAt(at) !== 0x3c) return NONE;
  let state = State.SegmentStart;
  let typeLength = 0;
  let digits = 0;
  for (let i = at + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    switch (state) {
      case State.SegmentStart:
        if (!isUpper(c)) return NONE;
        typeLength++;
        state = State.Segment;
        break;
      case State.Segment:
        if (c === 0x5f) state = State.AfterUnderscore;
        else if (isUpper(c) || isDigit(c)) typeLength++;
        else return NONE;
        break;
      case State.AfterUnderscore:
        if (isUpper(c)) {
          typeLength += 2;
          state = State.Segment;
        } else if (isDigit(c) && c !== 0x30) {
          digits = 1;
          state = State.Counter;
        } else return NONE;
        break;
      case State.Counter:
        if (c === 0x3e) return { kind: 'placeholder', end: i + 1 };
        if (!isDigit(c)) return NONE;
        digits++;
        break;
    }
    if (typeLength > MAX_TYPE_LENGTH || digits > MAX_COUNTER_DIGITS) return NONE;
  }
  return PARTIAL;
}

/** Whether placeholders can be made of this type (e.g. `EMAIL`, `DATE_OF_BIRTH`). */
export function isPlaceholderType(type: string): boolean {
  const candidate = `<${type}_1>`;
  const scan = scanPlaceholder(candidate, 0);
  return scan.kind === 'placeholder' && scan.end === candidate.length;
}

/** The placeholder numbered `counter` of `type`; the caller has checked both. */
export function formatPlaceholder(type: string, counter: number): string {
  return `<${type}_${counter}>`;
}
