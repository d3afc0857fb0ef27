// DATE_OF_BIRTH: a calendar date (12/05/1985, 12-05-85, 12.05.1985, 1985-05-12, 12 mai 1985,
// 1er mai 1985, May 12, 1985) that a word of birth comes shortly before ("né le", "née à Lyon le",
// "date de naissance :", "DOB", "born on"), with no other number between them. Other dates
// (invoices, appointments) are not personal data by themselves and are left alone.
import { ContextWords } from '../context-words.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { fromDigitRuns } from '../digit-runs.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, isAlnum, isDigit, isLetter } from '../text-chars.js';

const SCORE = 0.9;
const CONTEXT_WINDOW = 45;
/** How far after the start of a word of birth a date's first digit may be: the window, then a month's name and a space before the day ("May 12, 1985"). */
const BIRTH_WORD_REACH = CONTEXT_WINDOW + 12;
/** "Né(e)" is read as "né", "date of birth" as "birth". */
const BIRTH_WORDS = new ContextWords(['né', 'née', 'nee', 'naissance', 'ddn', 'dob', 'born', 'birth', 'birthdate', 'birthday']);
/** Month names (French, English) and their usual abbreviations, lower case, with and without accents. */
const MONTHS = new Map<string, number>(
  [
    ['janvier', 'janv', 'january', 'jan'],
    ['février', 'fevrier', 'févr', 'fevr', 'fév', 'fev', 'february', 'feb'],
    ['mars', 'march', 'mar'],
    ['avril', 'avr', 'april', 'apr'],
    ['mai', 'may'],
    ['juin', 'june', 'jun'],
    ['juillet', 'juil', 'july', 'jul'],
    ['août', 'aout', 'august', 'aug'],
    ['septembre', 'sept', 'september', 'sep'],
    ['octobre', 'oct', 'october'],
    ['novembre', 'nov', 'november'],
    ['décembre', 'decembre', 'déc', 'dec', 'december'],
  ].flatMap((names, i) => names.map((name) => [name, i + 1] as const)),
);

const monthNumber = (word: string): number => MONTHS.get(word.toLowerCase()) ?? 0;
const MONTH_INITIALS: ReadonlySet<number> = new Set([...MONTHS.keys()].flatMap((name) => [name.charCodeAt(0), name.toUpperCase().charCodeAt(0)]));

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(day: number, month: number, year: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** The digits at `start` if there are `min` to `max` of them, then not another digit. */
function digitsAt(text: string, start: number, min: number, max: number): string | undefined {
  let end = start;
  while (end < text.length && end - start <= max && isDigit(text.charCodeAt(end))) end++;
  const length = end - start;
  return length >= min && length <= max ? text.slice(start, end) : undefined;
}

function wordAt(text: string, start: number): string {
  let end = start;
  while (end < text.length && end - start < 12 && isLetter(text.charCodeAt(end))) end++;
  return text.slice(start, end);
}

const plausibleYear = (year: string): boolean => year.length === 2 || (Number(year) >= 1900 && Number(year) <= 2030);
const fullYear = (year: string): number => (year.length === 2 ? 1900 + Number(year) : Number(year));

/** End of a date at `start` (its first digit), or -1. */
function numericDateEnd(text: string, start: number): number {
  const first = digitsAt(text, start, 1, 4);
  if (first === undefined) return -1;
  const separator = codeAt(text, start + first.length);
  if (separator !== 47 /* / */ && separator !== 45 /* - */ && separator !== 46 /* . */) return -1;
  const secondStart = start + first.length + 1;
  const second = digitsAt(text, secondStart, 1, 2);
  if (second === undefined || codeAt(text, secondStart + second.length) !== separator) return -1;
  const thirdStart = secondStart + second.length + 1;
  const third = first.length === 4 ? digitsAt(text, thirdStart, 2, 2) : digitsAt(text, thirdStart, 2, 4);
  if (third === undefined || third.length === 3) return -1;
  const [day, month, year] = first.length === 4 ? [third, second, first] : [first, second, third];
  if (first.length === 3 || (first.length === 4 && separator !== 45) || !plausibleYear(year)) return -1;
  return validDate(Number(day), Number(month), fullYear(year)) ? thirdStart + third.length : -1;
}

/** "12 mai 1985", "1er mai 1985", "12 May 1985" from the day's first digit, or -1. */
function writtenDateEnd(text: string, start: number): number {
  const day = digitsAt(text, start, 1, 2);
  if (day === undefined) return -1;
  let i = start + day.length;
  if (day === '1' && text.startsWith('er', i)) i += 2;
  if (codeAt(text, i) !== 32 || !MONTH_INITIALS.has(codeAt(text, i + 1))) return -1;
  const word = wordAt(text, i + 1);
  const month = monthNumber(word);
  i += 1 + word.length;
  if (month === 0) return -1;
  if (codeAt(text, i) === 46 /* . */) i++;
  if (codeAt(text, i) !== 32) return -1;
  const year = digitsAt(text, i + 1, 4, 4);
  return year !== undefined && plausibleYear(year) && validDate(Number(day), month, Number(year)) ? i + 5 : -1;
}

/** "May 12, 1985" from the day's first digit: the month comes before. Returns [start, end] or undefined. */
function englishDate(text: string, dayStart: number): [number, number] | undefined {
  if (codeAt(text, dayStart - 1) !== 32) return undefined;
  let wordStart = dayStart - 1;
  while (wordStart > 0 && dayStart - wordStart <= 10 && isLetter(text.charCodeAt(wordStart - 1))) wordStart--;
  const month = monthNumber(text.slice(wordStart, dayStart - 1));
  const day = digitsAt(text, dayStart, 1, 2);
  if (month === 0 || day === undefined || isLetter(codeAt(text, wordStart - 1))) return undefined;
  const comma = dayStart + day.length;
  if (codeAt(text, comma) !== 44 || codeAt(text, comma + 1) !== 32) return undefined;
  const year = digitsAt(text, comma + 2, 4, 4);
  return year !== undefined && plausibleYear(year) && validDate(Number(day), month, Number(year)) ? [wordStart, comma + 6] : undefined;
}

/** A date whose first number is the run [start, runEnd): what follows that number says which form it can have, before anything is read. */
function dateAt(text: string, start: number, runEnd: number): [number, number] | undefined {
  const next = codeAt(text, runEnd);
  const run = runEnd - start;
  if (next === 47 || next === 45 || next === 46) {
    const end = numericDateEnd(text, start);
    return end === -1 ? undefined : [start, end];
  }
  if (run <= 2 && (next === 32 || next === 101) /* e of 1er */) {
    const end = writtenDateEnd(text, start);
    return end === -1 ? undefined : [start, end];
  }
  return run <= 2 && next === 44 /* , */ ? englishDate(text, start) : undefined;
}

/** A word of birth ends within the window before `start`, with no digit in between. */
function birthContext(input: ScanInput, start: number): boolean {
  const { text } = input;
  const wordEnd = BIRTH_WORDS.lastBefore(input, start, CONTEXT_WINDOW);
  if (wordEnd === -1) return false;
  for (let i = wordEnd; i < start; i++) if (isDigit(text.charCodeAt(i))) return false;
  return true;
}

export class DateOfBirthRecogniser implements PiiRecogniser {
  readonly name = 'date-of-birth';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    if (input.digitRuns.starts.length === 0) return [];
    // Only the runs shortly after a word of birth can start a date that has one before it: the others are not read.
    const birthWords = BIRTH_WORDS.startsIn(input);
    if (birthWords.length === 0) return [];
    let next = 0;
    const afterBirthWord = (start: number): boolean => {
      while (next < birthWords.length && birthWords[next]! + BIRTH_WORD_REACH < start) next++;
      return next < birthWords.length && birthWords[next]! < start;
    };
    return fromDigitRuns(
      input,
      (start, run) => {
        const before = codeAt(text, start - 1);
        return afterBirthWord(start) && run !== 3 && run <= 4 && !isAlnum(before) && !((before === 47 || before === 45 || before === 46) && isDigit(codeAt(text, start - 2)));
      },
      (start, runEnd) => {
        const span = dateAt(text, start, runEnd);
        if (span === undefined || isAlnum(codeAt(text, span[1])) || (codeAt(text, span[1]) === 47 && isDigit(codeAt(text, span[1] + 1)))) return undefined;
        return birthContext(input, span[0]) ? { type: 'DATE_OF_BIRTH', start: span[0], end: span[1], score: SCORE } : undefined;
      },
    );
  }
}
