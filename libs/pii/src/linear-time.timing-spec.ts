// Untrusted prompts are scanned: no input may make the scan super-linear. Each adversarial text is
// scanned at 128 KiB and at 2 MiB; sixteen times the text must take about sixteen times as long.
// Both sizes are past the processor's caches: at 32 KiB against 512 KiB, the small text alone fit
// in them, and linear scans measured ratios of 30 to 190 (up to 65 in this test's own process on CI),
// against 10 to 19 at these sizes.
// The bound, 64, leaves a factor of four for noise while a quadratic scan would take 256 times as long.
// Times are CPU time of this process (process.cpuUsage), not wall-clock time: in the unit suite on CI
// two workers share two cores with the rest of the machine, and wall-clock ratios there reached 89 to
// 157 for texts that are linear when measured alone. Each time is the best of a few runs after a
// warm-up, and a ratio over the bound is measured again, up to three times: noise does not come back
// every time, a quadratic term does.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpuMilliseconds } from '@gardien/testing';
import { PiiScanner } from './pii-scanner.js';

// A full collection before each run, so that a run does not pay for the garbage of the one before.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const KIB = 1024;
const scanner = new PiiScanner();

const PATTERNS: [string, string][] = [
  ['digits', '1'],
  ['at signs', '@'],
  ['dots', '.'],
  ['spaces', ' '],
  ['letters', 'a'],
  ['hex letters and colons', 'a:'],
  ['colons', ':'],
  ['local part and at sign', 'a@'],
  ['dotted domain', 'a.'],
  ['digit and space', '1 '],
  ['digit and dot', '1.'],
  ['digit and dash', '1-'],
  ['digit pairs', '12 34 '],
  ['plus and digits', '+33 6 '],
  ['plus and brackets', '+(0'],
  ['country code and digits', 'FR76 '],
  ['capitals and digits', 'AB12'],
  ['NIR with Corsica', '2A'],
  ['first names', 'Jean '],
  ['titles', 'M. '],
  ['title and names', 'Mme Jean Dupont '],
  ['lower-case first names', 'jean '],
  ['lower-case names', 'jean dupont '],
  ['lower-case names, surname first, in a list', 'dupont jean, '],
  ['lower-case first names and verbs', 'julie travaillera '],
  ['lower-case compound first names', 'jean-pierre '],
  ['lower-case first names and blanks', 'jean \t  '],
  ['street types and lower-case first names', 'rue jean '],
  ['street types', '12 rue '],
  ['street names', 'rue de la '],
  ['postal codes', ', 75002 '],
  ['birth words and dates', 'né le 12/05/'],
  ['dates', '12/05/1985 '],
  ['many emails', 'x@x.fr '],
  ['many phones', '06 12 34 56 78 '],
  ['many IPv6', '::1 '],
  ['many IPv4', '1.2.3.4 '],
  ['many cards', '4111 1111 1111 1111 '],
  ['lower-case IBAN groups', 'fr76 '],
  ['digit groups with dashes', '1234-'],
  // What the normalised text folds (normalised-text.ts): each fold, and the spans mapped back.
  ['zero-width spaces', '\u200B'],
  ['digits and zero-width spaces', '1\u200B'],
  ['full-width digits', '\uFF11'],
  ['full-width letters and at signs', '\uFF41\uFF20'],
  ['Cyrillic look-alikes', '\u0430'],
  ['combining marks', '\u0301'],
  ['letters and combining marks', 'a\u0301'],
  ['a ligature', '\uFB01'],
  ['the longest expansion of NFKC', '\uFDFA'],
  ['emoji', '\u{1F600}'],
  ['mathematical letters and at signs', '\u{1D41A}@'],
  ['lone surrogates', '\uD800'],
  ['many disguised phones', '\uFF10\uFF16 \uFF11\u200B\uFF12 34 56 78 '],
  // Addresses with letters of any script, and written apart (email.recogniser.ts).
  ['accented letters and at signs', 'é@'],
  ['accented labels', 'é.'],
  ['Cyrillic letters, at signs and dots', 'ж@ж.'],
  ['astral letters and at signs', '\u{20000}@'],
  ['long runs of letters and at signs', `${'é'.repeat(100)}@`],
  ['long runs of letters and spaced at signs', `${'a'.repeat(100)} @ `],
  ['spaced at signs', 'a @ '],
  ['spaced at signs and dots', 'a @ a.'],
  ['spaced at signs and blanks', ' @ \t'],
  ['bracketed at words', 'a[at]'],
  ['bracketed at signs', '(@)'],
  ['brackets', '[(at '],
  ['at words and bracketed dots', 'a (at) a[dot]'],
  ['arobase words', 'arobase '],
  ['arobase and point words', 'a arobase a point '],
  ['point words', 'a point '],
  ['many spelled addresses', 'jeanne [at] exemple [dot] fr '],
  ['dots written apart', 'a . '],
  ['dots written apart and at signs', 'a . a @ '],
  ['blanks before dots', ' .'],
  ['line breaks and at signs', 'a\n@'],
  ['at signs and line breaks', '@\r\n'],
  ['many addresses with their dots written apart', 'camille . martin @ exemple . fr '],
  // Phone layouts (phone.recogniser.ts) and IBANs with both separators (iban.recogniser.ts).
  ['digit pairs with slashes', '06/12/'],
  ['many 2-4-4 phones', '06 1234 5678 '],
  ['many phones with 33 and no plus', 'tél 33612345678 '],
  ['33 and digits', '33612'],
  ['first pairs in brackets', '(06) 12 '],
  ['zeros and spaces', '0 '],
  ['groups of three after a zero', '012 '],
  ['many phones digit by digit', '0 6 1 2 3 4 5 6 7 8 , '],
  ['many phones in uneven groups', '06 12 34 56 7 8 , '],
  ['IBAN groups, spaces and dashes', 'FR76 3000-'],
  ['IBAN groups, slashes between blanks', 'FR76 / 3000 / '],
  ['IBAN groups, dots and bars between blanks', 'FR76 . 3000 | '],
  // Line breaks in numbers, RIBs, NIRs without their key, percent-encoded addresses (2026-12-07).
  ['digit pairs and line breaks', '06 12\n'],
  ['digit pairs and Windows line breaks', '06 12 \r\n'],
  ['IBAN groups and line breaks', 'FR76 3000\n'],
  ['many phones split across lines', '06 12 34\n56 78 '],
  ['RIB groups', '30006 00001 '],
  ['many RIBs', '30006 00001 12345678901 89 '],
  ['compact RIBs with a letter', '3000600001A'],
  ['NIR groups without the key', '1 85 05 78 006 084 '],
  ['words of the NIR and thirteen digits', 'NIR 1850578006084 '],
  ['percent signs', '%'],
  ['percent-encoded at signs', '%40'],
  ['percent-encoded percent signs', '%25'],
  ['percent-encoded dots and labels', 'a%2E'],
  ['many percent-encoded addresses', 'jean%2Edupont%2540example%2Efr '],
  // HTML character references for the at sign and the dot, NIRs digit by digit (2026-12-08).
  ['ampersands', '&'],
  ['ampersands and hashes', '&#'],
  ['references cut short', '&#6'],
  ['hexadecimal references cut short', '&#x4'],
  ['references with many zeros', '&#000000'],
  ['named at signs without their semicolon', '&commat'],
  ['references to at signs', '&#64;'],
  ['many addresses in references', 'jean&#46;dupont&#x40;exemple&period;fr '],
  ['spaced digits', '1 8 5 '],
  ['NIRs digit by digit', '1 8 5 0 5 7 8 0 0 6 0 8 4 9 1 '],
  ['words of the NIR and thirteen spaced digits', 'NIR 1 8 5 0 5 7 8 0 0 6 0 8 4 '],
];

function text(pattern: string, length: number): string {
  return pattern.repeat(Math.ceil(length / pattern.length)).slice(0, length);
}

/** The best, over `runs` runs, of the CPU time of one scan (averaged over `repeats` scans in a row), in ms. */
function bestTime(input: string, runs: number, repeats: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const started = cpuMilliseconds();
    for (let r = 0; r < repeats; r++) scanner.scan(input);
    best = Math.min(best, (cpuMilliseconds() - started) / repeats);
  }
  return best;
}

const BOUND = 64;
const ATTEMPTS = 3;

/** The large text's time and its ratio to the small one's. */
function measure(small: string, large: string): { largeMs: number; ratio: number } {
  const largeMs = bestTime(large, 2, 1);
  return { largeMs, ratio: largeMs / bestTime(small, 5, 8) };
}

test.each(PATTERNS)('%s: 2 MiB takes less than 64 times as long as 128 KiB', (_what, pattern) => {
  const small = text(pattern, 128 * KIB);
  const large = text(pattern, 2048 * KIB);
  bestTime(small, 1, 2);
  bestTime(large, 1, 1);
  let { largeMs, ratio } = measure(small, large);
  for (let attempt = 1; attempt < ATTEMPTS && ratio >= BOUND; attempt++) {
    const again = measure(small, large);
    if (again.ratio < ratio) ({ largeMs, ratio } = again);
  }
  // Below 20 ms for 2 MiB (a small text then takes about a millisecond), timer noise and the JIT
  // are all there is to measure: a quadratic term would take minutes.
  if (largeMs >= 20) expect(ratio).toBeLessThan(BOUND);
}, 240_000);
