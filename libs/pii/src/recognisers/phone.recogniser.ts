// PHONE: French national numbers (0X XX XX XX XX with spaces, dots, dashes or slashes, or none;
// the first pair in brackets, (0X) XX XX XX XX; 06 1234 5678; the 08 layouts 0 800 … and 0800 …;
// digit by digit or in other groups of one to four digits, 0 6 1 2 3 4 5 6 7 8, 06 12 34 56 7 8,
// when the ten digits are the whole run), +33 and 0033 forms (with the trunk "(0)"), 33
// and the nine digits with no "+" (33612345678: after a word of a phone, or a mobile number where no
// other identifier is named), and any E.164 number written with its "+" (spaces, dots, dashes, one
// bracketed group). Once in a number, a line break (text wrapped between two groups) may stand
// where a separator would ("06 12 34\n56 78"). What is read is bounded (15 digits); then whether the
// number exists in its country's plan, by libphonenumber-js's metadata (numbering-plans.ts).
import { ContextWords } from '../context-words.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { fromDigitRuns } from '../digit-runs.js';
import type { ScanInput } from '../scan-input.js';
import { validFrenchNational, validInternational } from './numbering-plans.js';
import { codeAt, endsNumber, groupFollows, isAlnum, isBlank, isDigit, isNumberSpace, startsNumber, wrapAt } from '../text-chars.js';

const SCORE_FR = 0.9;
const SCORE_INTERNATIONAL = 0.85;
const MAX_E164_DIGITS = 15;
const layoutOf = (places: readonly number[]): number => places.reduce((bits, place) => bits | (1 << place), 0);
/** Where separators may stand (after how many digits): none, pairs, 06 1234 5678, 0 800 12 34 56, 0800 123 456, 0 800 123 456. */
const NATIONAL_LAYOUTS: ReadonlySet<number> = new Set([[], [2, 4, 6, 8], [2, 6], [1, 4, 6, 8], [4, 7], [1, 4, 7]].map(layoutOf));
/** Slashes only between pairs: "06/12/2024" and other dates have them elsewhere. */
const PAIRS = layoutOf([2, 4, 6, 8]);
/** Other layouts: groups of one to four digits ("0 6 1 2 3 4 5 6 7 8", "06 12 34 56 7 8", "061 234 567 8"). */
const MAX_GROUP = 4;
const SLASH = 47;

const isPhoneSeparator = (c: number): boolean => isNumberSpace(c) || c === 46 /* . */ || c === 45; /* - */
const isNationalSeparator = (c: number): boolean => isPhoneSeparator(c) || c === SLASH;
/** A line break wrapping the number at `i`, a digit after it: its length, or 0. */
const wrapBeforeDigit = (text: string, i: number): number => {
  const wrap = wrapAt(text, i);
  return wrap > 0 && isDigit(codeAt(text, i + wrap)) ? wrap : 0;
};

/** 33 and nine digits, no "+": a French number only after one of these words, nearer than a word naming another identifier. */
const PHONE_WORDS = new ContextWords(['tél', 'tel', 'téléphone', 'telephone', 'phone', 'portable', 'mobile', 'gsm', 'fixe', 'fax', 'joindre', 'appeler', 'appelez', 'rappeler', 'rappelez', 'contacter', 'sms', 'whatsapp']);
/** Or, for a mobile number (06, 07), where none of these is nearer: what else eleven digits may be (RPPS numbers are eleven digits). */
const IDENTIFIER_WORDS = new ContextWords(['rpps', 'adeli', 'finess', 'siren', 'siret', 'tva', 'nir', 'iban', 'facture', 'commande', 'colis', 'suivi', 'référence', 'réf', 'ref', 'dossier', 'client', 'contrat', 'compte', 'carte', 'order', 'invoice', 'reference', 'tracking']);
const CONTEXT_WINDOW = 30;
const COUNTRY_CODE_DIGITS = 11;

/** The 1 to 4 digits of a "(…)" group at `open`, followed by a digit or a separator. */
function bracketedDigits(text: string, open: number): string | undefined {
  let close = open + 1;
  while (close - open <= 5 && isDigit(codeAt(text, close))) close++;
  if (close === open + 1 || close - open > 5 || codeAt(text, close) !== 41 /* ) */) return undefined;
  const next = codeAt(text, close + 1);
  return isDigit(next) || isPhoneSeparator(next) ? text.slice(open + 1, close) : undefined;
}

/** "+CC…" as written from the first digit after the plus: digits, single separators, one "(…)" group ("(0)" is the trunk prefix, dropped). */
function readInternational(text: string, start: number): { digits: string; cuts: { length: number; end: number }[] } {
  let digits = '';
  const cuts: { length: number; end: number }[] = [];
  let bracketSeen = false;
  let wrapped = false;
  let i = start;
  // Just after the last digit or bracket read: where the number ends if nothing more is read.
  let end = start;
  while (i < text.length && digits.length < MAX_E164_DIGITS) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      digits += text[i];
      end = ++i;
    } else if (isPhoneSeparator(c) && (isDigit(codeAt(text, i + 1)) || codeAt(text, i + 1) === 40)) {
      cuts.push({ length: digits.length, end: i });
      i++;
    } else if (c === 40 /* ( */ && !bracketSeen) {
      const inside = bracketedDigits(text, i);
      if (inside === undefined) break;
      bracketSeen = true;
      if (inside !== '0') digits += inside;
      end = i += inside.length + 2;
      if (isPhoneSeparator(codeAt(text, i)) && isDigit(codeAt(text, i + 1))) i++;
    } else {
      const wrap = wrapped || digits.length === 0 ? 0 : wrapBeforeDigit(text, i);
      if (wrap === 0) break;
      cuts.push({ length: digits.length, end: i });
      wrapped = true;
      i += wrap;
    }
  }
  if (!isAlnum(codeAt(text, end))) cuts.push({ length: digits.length, end });
  return { digits, cuts };
}

/** "0033 6…": 00 as the international prefix, written apart from what comes before (not "FA-0012…"). */
function internationalPrefix(text: string, start: number): boolean {
  const before = codeAt(text, start - 1);
  return text.charCodeAt(start + 1) === 48 && (before === -1 || isBlank(before) || before === 40 /* ( */ || before === 58); /* : */
}

/**
 * Every group of the ten digits (separators after as many digits as `layout`'s bits say) holds one
 * to four digits.
 */
function shortGroups(layout: number): boolean {
  let previous = 0;
  for (let place = 1; place < 10; place++) {
    if ((layout & (1 << place)) === 0) continue;
    if (place - previous > MAX_GROUP) return false;
    previous = place;
  }
  return 10 - previous <= MAX_GROUP;
}

/** "(0X)" at `start` - 1, after no letter or digit, followed by a separator and a digit: a French number's first pair in brackets. */
function firstPairBracketed(text: string, start: number): boolean {
  return (
    codeAt(text, start - 1) === 40 /* ( */ &&
    !isAlnum(codeAt(text, start - 2)) &&
    text.charCodeAt(start) === 48 /* 0 */ &&
    isDigit(codeAt(text, start + 1)) &&
    codeAt(text, start + 2) === 41 /* ) */ &&
    isPhoneSeparator(codeAt(text, start + 3)) &&
    isDigit(codeAt(text, start + 4))
  );
}

function validE164(digits: string): boolean {
  return digits.length >= 8 && digits.length <= MAX_E164_DIGITS && validInternational(digits);
}

export class PhoneRecogniser implements PiiRecogniser {
  readonly name = 'phone';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    return fromDigitRuns(input, (start, run) => this.accepts(text, start, run), (start) => {
      const before = codeAt(text, start - 1);
      if (before === 43 /* + */) return this.international(text, start, start - 1);
      if (text.charCodeAt(start) === 51 /* 3 */) return this.countryCodeWithoutPlus(input, start);
      return internationalPrefix(text, start) ? this.international(text, start + 2, start, true) : this.national(text, start);
    });
  }

  /** After a "+" (itself after no letter or digit), or a 0 after no letter or digit that can start a national layout or "00". */
  private accepts(text: string, start: number, run: number): boolean {
    const before = codeAt(text, start - 1);
    if (before === 43) return !isAlnum(codeAt(text, start - 2));
    if (run === COUNTRY_CODE_DIGITS && text.startsWith('33', start)) return startsNumber(text, start) && endsNumber(text, start + run);
    if (run === 2 && firstPairBracketed(text, start)) return true;
    if (isAlnum(before) || text.charCodeAt(start) !== 48 /* 0 */) return false;
    // National layouts start with 10 digits, or a group of one to four (pairs, 2-4-4, "0 800", "0800", digit by digit…).
    return internationalPrefix(text, start) || run === 10 || (run <= MAX_GROUP && (groupFollows(text, start + run, isNationalSeparator) || wrapBeforeDigit(text, start + run) > 0));
  }

  /** "33612345678": a French number after a word of a phone; a mobile one also where no word of another identifier is nearer. */
  private countryCodeWithoutPlus(input: ScanInput, start: number): Candidate | undefined {
    const end = start + COUNTRY_CODE_DIGITS;
    const national = `0${input.text.slice(start + 2, end)}`;
    if (!validFrenchNational(national)) return undefined;
    const phoneWord = PHONE_WORDS.lastBefore(input, start, CONTEXT_WINDOW);
    const otherWord = IDENTIFIER_WORDS.lastBefore(input, start, CONTEXT_WINDOW);
    const mobile = national[1] === '6' || national[1] === '7';
    return phoneWord > otherWord || (mobile && otherWord === -1) ? { type: 'PHONE', start, end, score: SCORE_FR } : undefined;
  }

  private international(text: string, digitsStart: number, start: number, spaceAfterPrefix = false): Candidate | undefined {
    // "0033 6 12…": the prefix may be followed by one space.
    const from = spaceAfterPrefix && isPhoneSeparator(codeAt(text, digitsStart)) ? digitsStart + 1 : digitsStart;
    if (!isDigit(codeAt(text, from))) return undefined;
    const { digits, cuts } = readInternational(text, from);
    for (let k = cuts.length - 1; k >= 0; k--) {
      const cut = cuts[k]!;
      const number = digits.slice(0, cut.length);
      if (validE164(number)) return { type: 'PHONE', start, end: cut.end, score: number.startsWith('33') ? SCORE_FR : SCORE_INTERNATIONAL };
    }
    return undefined;
  }

  /**
   * Ten digits read in place, one kind of separator, where the layout puts them (a bit per
   * separator's place); slashes between pairs only. In a layout other than the usual ones (groups of
   * one to four digits), the ten digits must be the whole run, no group of digits before or after
   * them: a row of single digits in a table is not cut into a phone number. One line break may stand
   * for a separator, wherever the layout has one. The digits are copied out only for a number so laid
   * out.
   */
  private national(text: string, start: number): Candidate | undefined {
    let count = 0;
    let separator = 0;
    let layout = 0;
    let wrapped = false;
    let i = start;
    // "(06) 12 34 56 78": the first pair in brackets, then a separator, pairs after it.
    const bracketed = firstPairBracketed(text, start);
    if (bracketed) {
      count = 2;
      separator = text.charCodeAt(start + 3);
      layout = 1 << 2;
      i = start + 4;
    }
    while (count < 10) {
      const c = codeAt(text, i);
      if (isDigit(c)) {
        count++;
        i++;
      } else if (count > 0 && (separator === 0 ? isNationalSeparator(c) : c === separator) && isDigit(codeAt(text, i + 1))) {
        separator = c;
        layout |= 1 << count;
        i++;
      } else {
        const wrap = wrapped || count === 0 ? 0 : wrapBeforeDigit(text, i);
        if (wrap === 0) break;
        wrapped = true;
        layout |= 1 << count;
        i += wrap;
      }
    }
    if (count !== 10 || isAlnum(codeAt(text, i)) || (separator === SLASH && layout !== PAIRS)) return undefined;
    if (bracketed && layout !== PAIRS) return undefined;
    if (!NATIONAL_LAYOUTS.has(layout) && !(shortGroups(layout) && startsNumber(text, start) && endsNumber(text, i))) return undefined;
    const written = bracketed ? text.slice(start, start + 2) + text.slice(start + 4, i) : text.slice(start, i);
    const digits = wrapped ? written.replace(/[^0-9]/g, '') : separator === 0 ? written : written.replaceAll(String.fromCharCode(separator), '');
    return validFrenchNational(digits) ? { type: 'PHONE', start: bracketed ? start - 1 : start, end: i, score: SCORE_FR } : undefined;
  }
}
