// The two peer libraries of bench/pii.mjs, each behind the same function: text -> spans
// [{type, start, end}] with the peer's own type names, and the table that maps those names to
// Gardien's (null: no counterpart, counted only where any finding is enough, e.g. redaction cover).
import { OpenRedaction } from '@openredaction/core';
import redactPii from 'redact-pii';

export const OPENREDACTION_TYPES = {
  EMAIL: 'EMAIL',
  NAME: 'PERSON',
  CREDIT_CARD: 'CARD',
  PHONE_UK: 'PHONE',
  PHONE_UK_MOBILE: 'PHONE',
  PHONE_US: 'PHONE',
  PHONE_INTERNATIONAL: 'PHONE',
  PHONE_LINE_NUMBER: 'PHONE',
  IBAN: 'IBAN',
  UK_BANK_ACCOUNT_IBAN: 'IBAN',
  FRENCH_SOCIAL_SECURITY: 'NIR',
  IPV4: 'IP',
  IPV6: 'IP',
  DATE_OF_BIRTH: 'DATE_OF_BIRTH',
  ADDRESS_STREET: 'ADDRESS',
  ADDRESS_PO_BOX: 'ADDRESS',
};

/** The configurations tried; the bench keeps the one with the best mean F1 on the corpus (which favours the peer). */
export const OPENREDACTION_CONFIGURATIONS = {
  defaults: {},
  'no context analysis': { enableContextAnalysis: false },
  'no context analysis, threshold 0.3': { enableContextAnalysis: false, confidenceThreshold: 0.3 },
  'preset gdpr': { preset: 'gdpr' },
};

/** openredaction: detect() per document; its positions index the text given. */
export function openRedaction(options) {
  const detector = new OpenRedaction(options);
  return async (text) => (await detector.detect(text)).detections.map((detection) => ({ type: detection.type, start: detection.position[0], end: detection.position[1] }));
}

export const REDACT_PII_TYPES = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD_NUMBER: 'CARD',
  IP_ADDRESS: 'IP',
  STREET_ADDRESS: 'ADDRESS',
  PERSON_NAME: 'PERSON',
  ZIPCODE: null,
  US_SOCIAL_SECURITY_NUMBER: null,
  USERNAME: null,
  PASSWORD: null,
  CREDENTIALS: null,
  DIGITS: null,
  URL: null,
};

/**
 * redact-pii returns redacted text, not spans. Its SyncRedactor runs its child redactors one after
 * the other, each on the text the previous one left; this runs the same children in the same order
 * and keeps, for each character of the current text, the range of the original it stands for, so
 * that every replacement becomes a span of the original. The regex redactors are replayed with
 * their own regex and placeholder; the name redactor is run as it is and its replacements read
 * back by aligning its output with its input. `verify` tells whether the text rebuilt from the spans
 * is what SyncRedactor itself returns.
 */
export function redactPiiSpans() {
  const redactor = new redactPii.SyncRedactor();
  const children = redactor.childRedactors;
  return (text) => {
    let current = text;
    let from = Array.from({ length: text.length }, (_, i) => i);
    let to = Array.from({ length: text.length }, (_, i) => i + 1);
    let spans = [];
    for (const child of children) {
      const replacements = child.regexpMatcher ? [...current.matchAll(child.regexpMatcher)].filter((match) => match[0].length > 0).map((match) => ({ start: match.index, end: match.index + match[0].length, placeholder: child.replaceWith })) : aligned(current, child.redact(current), child.replaceWith);
      if (replacements.length === 0) continue;
      let next = '';
      const nextFrom = [];
      const nextTo = [];
      let at = 0;
      for (const { start, end, placeholder } of replacements) {
        for (let i = at; i < start; i++) nextFrom.push(from[i]), nextTo.push(to[i]);
        next += current.slice(at, start);
        const span = { type: placeholder, start: from[start], end: to[end - 1] };
        spans = spans.filter((inner) => inner.start < span.start || inner.end > span.end);
        spans.push(span);
        for (let i = 0; i < placeholder.length; i++) nextFrom.push(span.start), nextTo.push(span.end);
        next += placeholder;
        at = end;
      }
      for (let i = at; i < current.length; i++) nextFrom.push(from[i]), nextTo.push(to[i]);
      current = next + current.slice(at);
      from = nextFrom;
      to = nextTo;
    }
    return { spans: spans.sort((a, b) => a.start - b.start), redacted: current, verify: () => redactor.redact(text) === current };
  };
}

/** Where `after` replaced pieces of `before` with `placeholder`: each replaced piece ends where the literal text after it is found next. */
function aligned(before, after, placeholder) {
  const replacements = [];
  let i = 0;
  let o = 0;
  for (;;) {
    const marker = after.indexOf(placeholder, o);
    if (marker === -1) return replacements;
    i += marker - o;
    const nextMarker = after.indexOf(placeholder, marker + placeholder.length);
    const literal = after.slice(marker + placeholder.length, nextMarker === -1 ? after.length : nextMarker);
    let end = nextMarker === -1 ? before.length - literal.length : before.indexOf(literal, i + 1);
    if (literal.length === 0 && nextMarker !== -1) end = i + 1;
    replacements.push({ start: i, end, placeholder });
    i = end;
    o = marker + placeholder.length;
  }
}
