// Generators of valid identifiers for property tests, with their check digits computed here again
// (BigInt arithmetic, from the published rules) rather than with the library's own functions, and
// of the text around them.
import fc from 'fast-check';
import { ScanInput } from '../scan-input.js';
import type { Candidate, PiiRecogniser, PiiType } from '../finding.js';

const digits = (min: number, max = min): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((ds) => ds.join(''));

/** Check digit that makes `payload` + digit pass Luhn. */
export function luhnCheckDigit(payload: string): string {
  const reversed = [...payload].reverse().map(Number);
  const sum = reversed.reduce((total, d, i) => total + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return String((10 - (sum % 10)) % 10);
}

/** Another digit in place of the last one: Luhn then fails whatever the number. */
export const wrongLastDigit = (value: string, shift: number): string => value.slice(0, -1) + String((Number(value.slice(-1)) + shift) % 10);

export const sirenArb = digits(8).map((payload) => payload + luhnCheckDigit(payload));
export const siretArb = fc.tuple(sirenArb, digits(4)).map(([siren, nic]) => siren + nic + luhnCheckDigit(siren + nic)).filter((siret) => !siret.startsWith('356000000'));

export const nirArb = fc
  .tuple(fc.constantFrom('1', '2'), digits(2), fc.integer({ min: 1, max: 12 }), fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).filter((d) => d !== '20'), '2A', '2B'), digits(3), digits(3))
  .filter(([, , , , commune, order]) => commune !== '000' && order !== '000')
  .map(([sex, year, month, department, commune, order]) => {
    const first13 = `${sex}${year}${String(month).padStart(2, '0')}${department}${commune}${order}`;
    const numeric = BigInt(first13.replace('2A', '19').replace('2B', '18'));
    return first13 + String(97n - (numeric % 97n)).padStart(2, '0');
  });

/** As printed on the carte Vitale: 1 85 05 78 006 084 36. */
export const printedNir = (value: string): string => `${value[0]} ${value.slice(1, 3)} ${value.slice(3, 5)} ${value.slice(5, 7)} ${value.slice(7, 10)} ${value.slice(10, 13)} ${value.slice(13)}`;

/** The ISO 13616 check digits for a country and BBAN. */
export function ibanOf(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((char) => (/[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char)).join('');
  return `${country}${String(98n - (BigInt(numeric) % 97n)).padStart(2, '0')}${bban}`;
}

/** Countries whose BBAN has no national check digits: any digits of the right shape make a valid IBAN. */
export const ibanArb = fc.oneof(
  digits(18).map((bban) => ibanOf('DE', bban)),
  fc.tuple(fc.stringMatching(/^[A-Z]{4}$/), digits(10)).map(([bank, account]) => ibanOf('NL', bank + account)),
  digits(16).map((bban) => ibanOf('AT', bban)),
  fc.tuple(fc.stringMatching(/^[A-Z]{4}$/), digits(14)).map(([bank, rest]) => ibanOf('GB', bank + rest)),
  digits(17).map((bban) => ibanOf('CH', bban)),
);

export const wrongIbanCheck = (iban: string, shift: number): string => `${iban.slice(0, 2)}${String(((Number(iban.slice(2, 4)) - 2 + shift) % 97) + 2).padStart(2, '0')}${iban.slice(4)}`;

/** Visa and Mastercard numbers of 16 digits. */
export const cardArb = fc.tuple(fc.constantFrom('4', '51', '52', '53', '54', '55'), digits(14)).map(([prefix, rest]) => {
  const payload = (prefix + rest).slice(0, 15);
  return payload + luhnCheckDigit(payload);
});

/**
 * French numbers of the national plan (fixed, mobile, VoIP prefixes the plan allocates), ten digits.
 * Not the overseas departments' ranges among them (0262, 0263, 0269, 059…): their plans allocate
 * only some blocks, and +33 does not reach them.
 */
export const frenchPhoneArb = fc
  .tuple(fc.constantFrom('01', '02', '03', '05', '041', '044', '060', '061', '062', '064', '066', '068', '075', '078', '09'), digits(10))
  .map(([prefix, rest]) => (prefix + rest).slice(0, 10))
  .filter((number) => !/^0(26[239]|59)/.test(number));

/** Printed in pairs with one kind of separator (slashes too), or compact, or 2-4-4 ("06 1234 5678"). */
export const frenchPhoneLayoutArb = fc.oneof(
  fc.tuple(frenchPhoneArb, fc.constantFrom(' ', '.', '-', '/', '')).map(([number, separator]) => number.match(/../g)!.join(separator)),
  fc.tuple(frenchPhoneArb, fc.constantFrom(' ', '.', '-')).map(([number, separator]) => [number.slice(0, 2), number.slice(2, 6), number.slice(6)].join(separator)),
);

/** Where a separator stands (after how many digits) in a French number grouped unevenly: groups of one to four digits, at least two groups. */
const unevenCuts = fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9], { minLength: 1 }).filter((cuts) => [0, ...cuts, 10].every((cut, i, all) => i === 0 || cut - all[i - 1]! <= 4));

/** `number` with `separator` after each of `cuts` digits. */
export const cutAt = (number: string, cuts: readonly number[], separator: string): string => [0, ...cuts].map((cut, i, all) => number.slice(cut, all[i + 1] ?? number.length)).join(separator);

/** French numbers written digit by digit or in groups of one to four digits, one kind of separator: "0 6 1 2 3 4 5 6 7 8", "06 12 34 56 7 8", "061 234 567 8". */
export const unevenFrenchPhoneArb = fc.tuple(frenchPhoneArb, unevenCuts, fc.constantFrom(' ', '.', '-')).map(([number, cuts, separator]) => cutAt(number, cuts, separator));

/** A French number with its country code and no "+": 33 then the nine digits after the trunk 0 ("33612345678"). */
export const bareCountryCodePhone = (national: string): string => `33${national.slice(1)}`;

/** Mobile numbers (06, 07) of the national plan. */
export const frenchMobileArb = fc.tuple(fc.constantFrom('060', '061', '062', '064', '066', '068', '075', '076', '077', '078'), digits(7)).map(([prefix, rest]) => prefix + rest);

export const emailArb = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,10}(\.[a-z0-9]{1,10})?$/), fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.constantFrom('fr', 'com', 'eu', 'org'))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

/** Letters of several scripts that NFKC leaves as they are and that look like no Latin letter. */
const INTERNATIONAL_LETTERS = [...'abcdefghijklmnopqrstuvwxyz0123456789éèêëàâçîïôöùûüÿœæßøåñ', ...'ждлфшщыэюя', ...'λπσφψω', ...'李王张刘陈', '\u{20000}'];
const internationalWord = (min: number, max: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...INTERNATIONAL_LETTERS), { minLength: min, maxLength: max }).map((chars) => chars.join(''));
/** A label with letters of any script, hyphens inside. */
const internationalLabel = fc.tuple(internationalWord(1, 8), fc.option(internationalWord(1, 6), { nil: undefined })).map(([a, b]) => (b === undefined ? a : `${a}-${b}`));

/** RFC 6531 addresses: local parts and domain labels of letters of other scripts (IDNA), ASCII or IDN top-level domains. */
export const unicodeEmailArb = fc
  .tuple(internationalWord(1, 10), fc.option(internationalWord(1, 10), { nil: undefined }), fc.array(internationalLabel, { minLength: 1, maxLength: 2 }), fc.constantFrom('fr', 'com', 'de', 'рф', '中国', 'xn--p1ai'))
  .map(([local, more, labels, tld]) => `${more === undefined ? local : `${local}.${more}`}@${[...labels, tld].join('.')}`);

/** "@" written apart: between blanks, in brackets, or as a word, as people write an address to keep it from robots. */
export const SPACED_ATS = [' @ ', '@ ', ' @', '  @  '] as const;
export const WRITTEN_ATS = ['[at]', ' [at] ', '(at)', ' (at) ', '{at}', ' [AT] ', ' (At) ', '[@]', ' (@) ', ' arobase ', ' (arobase) ', ' [arobase] ', ' arobas '] as const;
/** The dot of a domain written apart: in brackets, or (after an at written in brackets or as a word) as a word. */
const BRACKETED_DOTS = ['.', '[dot]', ' [dot] ', '(dot)', ' (point) ', '[.]', ' (.) ', ' [POINT] '] as const;
const WORD_DOTS = [' point ', ' dot '] as const;

/** Addresses written apart: a local part, an at, labels joined by dots (each written one of the ways), a top-level domain that exists. */
export const spelledEmailArb = fc
  .tuple(fc.oneof(fc.stringMatching(/^[a-z0-9]{1,10}(\.[a-z0-9]{1,10})?$/), internationalWord(1, 10)), fc.boolean())
  .chain(([local, spaced]) =>
    fc
      .tuple(
        fc.constantFrom<string>(...(spaced ? SPACED_ATS : WRITTEN_ATS)),
        fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.constantFrom<string>(...BRACKETED_DOTS, ...(spaced ? [] : WORD_DOTS))), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('fr', 'com', 'eu', 'org', 'net', 'be', 'ch', 'uk'),
      )
      .map(([at, labels, tld]) => `${local}${at}${labels.map(([label, dot]) => label + dot).join('')}${tld}`),
  );

/**
 * Addresses with their dots written apart, " . " (or " ."), in the local part, the domain or both
 * ("camille . martin @ exemple . fr", "camille . martin@exemple.fr"), or wrapped at the at sign
 * ("camille.martin\n@exemple.fr"): a line break on one side of the at, the other side tight. In the
 * domain, the dots written apart come before the plain ones.
 */
export const spacedDotEmailArb = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z0-9]{1,10}$/), { minLength: 1, maxLength: 3 }),
    fc.array(fc.constantFrom(' . ', ' .', '.'), { minLength: 2, maxLength: 2 }),
    fc.constantFrom(' @ ', '@', ' @', '@ ', '\n@', '@\n', '\r\n@', '@\r\n'),
    fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 3 }),
    fc.nat(),
    fc.constantFrom('fr', 'com', 'eu', 'org', 'net', 'be', 'ch', 'uk'),
  )
  .map(([local, localDots, at, labels, spacedLabels, tld]) => {
    const domainDots = labels.map((_, i) => (i < spacedLabels % (labels.length + 1) ? ' . ' : '.'));
    return `${local.map((part, i) => (i === 0 ? part : localDots[i - 1] + part)).join('')}${at}${labels.map((label, i) => label + domainDots[i]).join('')}${tld}`;
  })
  // Something is written apart: with none of it, this is emailArb's plain address.
  .filter((address) => /[ \n]/.test(address));

export const ipv4Arb = fc.tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 }))).map((octets) => octets.join('.'));

/** Printed in groups of `size` with one space, as people write them. */
export const grouped = (value: string, size: number): string => value.match(new RegExp(`.{1,${size}}`, 'g'))!.join(' ');

/** In groups of `size`, each separator a space or a dash as `dashes` says (mixed, as people type them). */
export const groupedMixed = (value: string, size: number, dashes: readonly boolean[]): string =>
  value
    .match(new RegExp(`.{1,${size}}`, 'g'))!
    .map((group, i) => (i === 0 ? group : (dashes[(i - 1) % dashes.length] ? '-' : ' ') + group))
    .join('');

/**
 * Words and punctuation without digits, so that nothing in them is an identifier. Full stops and
 * commas follow the word before them without a blank, as French prints them: "merci . jean…" would
 * read as an address with its dot written apart ("merci . jean@exemple.fr").
 */
const filler = fc
  .array(fc.constantFrom('le', 'dossier', 'numéro', 'voici', 'merci', 'de', 'vérifier', ',', '.', ':', '(', ')', '\n', 'a', 'été', 'reçu', 'x', '-', '«', '»', 'référence'), { maxLength: 12 })
  .map((words) => words.reduce((text, word, i) => (i === 0 ? word : word === '.' || word === ',' ? text + word : `${text} ${word}`), ''));

/** `value` in random text, with where it is. */
export const inText = (value: fc.Arbitrary<string>): fc.Arbitrary<{ text: string; start: number; end: number; value: string }> =>
  fc.tuple(filler, value, filler).map(([before, v, after]) => {
    const text = `${before} ${v} ${after}`;
    return { text, start: before.length + 1, end: before.length + 1 + v.length, value: v };
  });

export function candidates(recogniser: PiiRecogniser, text: string): Candidate[] {
  return [...recogniser.find(new ScanInput(text))];
}

/** The spans a recogniser found, as [type, text]. */
export function found(recogniser: PiiRecogniser, text: string): [PiiType, string][] {
  return candidates(recogniser, text).map((candidate) => [candidate.type, text.slice(candidate.start, candidate.end)]);
}

/** The digit each capital of a RIB's account number counts as (the banks' table: A-I 1-9, J-R 1-9, S-Z 2-9). */
const RIB_LETTER_DIGITS: Readonly<Record<string, string>> = Object.fromEntries([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((letter, i) => [letter, '12345678912345678923456789'[i]!]));

/** The RIB key of a bank code, branch code and account number: 97 - ((89 bank + 15 branch + 3 account) mod 97). */
export function ribKeyOf(bank: string, branch: string, account: string): string {
  const numeric = BigInt([...account].map((char) => RIB_LETTER_DIGITS[char] ?? char).join(''));
  return String(97n - ((89n * BigInt(bank) + 15n * BigInt(branch) + 3n * numeric) % 97n)).padStart(2, '0');
}

/** French RIBs, compact: bank code, branch code, an account number of digits and now and then a capital, the key. */
export const ribArb = fc
  .tuple(digits(5), digits(5), fc.array(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...'0123456789') }, { weight: 1, arbitrary: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ') }), { minLength: 11, maxLength: 11 }))
  .filter(([bank, branch]) => `${bank}${branch}` !== '0000000000')
  .map(([bank, branch, account]) => `${bank}${branch}${account.join('')}${ribKeyOf(bank, branch, account.join(''))}`);

/** As a RIB is printed: 30006 00001 12345678901 89. */
export const printedRib = (value: string): string => `${value.slice(0, 5)} ${value.slice(5, 10)} ${value.slice(10, 21)} ${value.slice(21)}`;

/** Another key (of the 97 possible, 01 to 97). */
export const wrongRibKey = (value: string, shift: number): string => value.slice(0, 21) + String(((Number(value.slice(21)) - 1 + shift) % 97) + 1).padStart(2, '0');

/** The 13 characters of a NIR without its key, as printed on the carte Vitale (1 85 05 78 006 084), with one kind of separator. */
export const printedNirWithoutKey = (value: string, separator: string): string => [value[0], value.slice(1, 3), value.slice(3, 5), value.slice(5, 7), value.slice(7, 10), value.slice(10, 13)].join(separator);

/** Line breaks that wrap a printed number between two of its groups. */
export const WRAPS = ['\n', '\r\n', ' \n', '\n ', ' \r\n'] as const;

/** `value` (groups apart by `separator`) with the separator at `place` (of those it holds, modulo) replaced by `wrap`. */
export function wrappedAt(value: string, separator: string, place: number, wrap: string): string {
  const parts = value.split(separator);
  const at = 1 + (place % (parts.length - 1));
  return `${parts.slice(0, at).join(separator)}${wrap}${parts.slice(at).join(separator)}`;
}

/** An address with its at sign percent-encoded (once or twice) and each dot as it is or encoded. */
export const percentEncodedEmailArb = fc
  .tuple(emailArb, fc.constantFrom('%40', '%2540'), fc.array(fc.constantFrom('.', '%2E', '%2e', '%252E'), { minLength: 3, maxLength: 3 }))
  .map(([email, at, dots]) => {
    let dot = 0;
    return email.replace('@', at).replaceAll('.', () => dots[dot++ % dots.length]!);
  });

/** How many zeros `value` may take before it within six digits. */
const zeroPadded = (value: string): fc.Arbitrary<string> => fc.integer({ min: 0, max: 6 - value.length }).map((zeros) => '0'.repeat(zeros) + value);

/** An HTML character reference for the at sign: decimal, hexadecimal (x or X, hex digits in either case), leading zeros within six digits, or named. */
export const atReferenceArb: fc.Arbitrary<string> = fc.oneof(
  zeroPadded('64').map((n) => `&#${n};`),
  fc.tuple(fc.constantFrom('x', 'X'), zeroPadded('40')).map(([x, n]) => `&#${x}${n};`),
  fc.constant('&commat;'),
);

/** An HTML character reference for the dot, spelt as atReferenceArb's. */
export const dotReferenceArb: fc.Arbitrary<string> = fc.oneof(
  zeroPadded('46').map((n) => `&#${n};`),
  fc.tuple(fc.constantFrom('x', 'X'), zeroPadded('2E'), fc.boolean()).map(([x, n, lower]) => `&#${x}${lower ? n.toLowerCase() : n};`),
  fc.constant('&period;'),
);

/** An address with its at sign and each of its dots written as they are or as HTML character references, one of them at least a reference. */
export const htmlReferenceEmailArb = fc
  .tuple(emailArb, fc.option(atReferenceArb, { nil: '@' }), fc.array(fc.option(dotReferenceArb, { nil: '.' }), { minLength: 3, maxLength: 3 }))
  .map(([email, at, dots]) => {
    let dot = 0;
    return email.replace('@', at).replaceAll('.', () => dots[dot++]!);
  })
  .filter((value) => value.includes('&'));

/** A NIR (or any digits) written digit by digit with `separator` between them: "1 8 5 0 5 7 8 0 0 6 0 8 4 9 1". */
export const digitByDigit = (value: string, separator = ' '): string => [...value].join(separator);
