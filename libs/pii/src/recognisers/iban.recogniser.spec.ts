import fc from 'fast-check';
import { found, grouped, groupedMixed, ibanArb, ibanOf, inText, wrongIbanCheck } from '../testing/identifiers.js';
import { isValidIBAN } from 'ibantools';
import { IbanRecogniser, validIban } from './iban.recogniser.js';

const iban = new IbanRecogniser();

test.each([
  'FR76 3000 6000 0112 3456 7890 189',
  'FR7630006000011234567890189',
  'GB82 WEST 1234 5698 7654 32',
  'DE89 3704 0044 0532 0130 00',
  'BE68 5390 0754 7034',
  'ES91 2100 0418 4502 0005 1332',
  'IT60 X054 2811 1010 0000 0123 456',
  'NL91 ABNA 0417 1643 00',
  'CH93 0076 2011 6238 5295 7',
])('the registry example %s', (value) => {
  expect(found(iban, `IBAN : ${value}, BIC BNPAFRPP`)).toEqual([['IBAN', value]]);
});

test.each([
  ['in lower case', 'fr76 3000 6000 0112 3456 7890 189'],
  ['in mixed case', 'Gb82 West 1234 5698 7654 32'],
  ['with dashes', 'FR76-3000-6000-0112-3456-7890-189'],
  ['with spaces and dashes mixed', 'FR76 3000-6000 0112-3456 7890-189'],
  ['with mostly spaces and one dash', 'DE89 3704 0044-0532 0130 00'],
  ['in lower case, spaces and dashes mixed', 'nl91-abna 0417-1643 00'],
])('written %s', (_what, value) => {
  expect(found(iban, `IBAN : ${value}, BIC BNPAFRPP`)).toEqual([['IBAN', value]]);
});

test.each([
  ['a wrong checksum', 'FR77 3000 6000 0112 3456 7890 189'],
  ['a wrong French RIB key (national check digits)', ibanOf('FR', '30006000011234567890188')],
  ['one character short', 'FR76 3000 6000 0112 3456 7890 18'],
  ['glued to more characters', 'FR7630006000011234567890189X'],
  ['an unknown country', 'XX76 3000 6000 0112 3456 7890 189'],
  ['lower case with a wrong checksum', 'fr77 3000 6000 0112 3456 7890 189'],
  ['spaces and dashes mixed, a wrong checksum', 'FR77 3000-6000 0112-3456 7890-189'],
  ['a space and a dash in a row', 'FR76 -3000 6000 0112 3456 7890 189'],
  ['mixed, one character short', 'FR76 3000-6000 0112-3456 7890-18'],
  ['mixed, glued to more characters', 'FR76-3000 6000-0112 3456-7890 189X'],
])('not an IBAN: %s', (_what, value) => {
  expect(found(iban, `IBAN ${value} ici`)).toEqual([]);
});

test.each([
  // Newcomer review: these reached the model in clear.
  ['slashes between blanks', 'FR76 / 3000 / 6000 / 0112 / 3456 / 7890 / 189'],
  ['slashes', 'FR76/3000/6000/0112/3456/7890/189'],
  ['dots', 'FR76.3000.6000.0112.3456.7890.189'],
  ['dashes between blanks', 'FR76 - 3000 - 6000 - 0112 - 3456 - 7890 - 189'],
  ['vertical bars between blanks', 'DE89 | 3704 | 0044 | 0532 | 0130 | 00'],
  ['dots between blanks, in lower case', 'nl91 . abna . 0417 . 1643 . 00'],
  ['slashes, some between blanks', 'FR76 / 3000/6000 / 0112 3456 7890-189'],
])('written with %s between its groups', (_what, value) => {
  expect(found(iban, `IBAN : ${value}, BIC BNPAFRPP`)).toEqual([['IBAN', value]]);
});

test.each([
  ['slashes, a wrong checksum', 'FR77 / 3000 / 6000 / 0112 / 3456 / 7890 / 189'],
  ['slashes, one character short', 'FR76/3000/6000/0112/3456/7890/18'],
  ['two slashes in a row', 'FR76//3000//6000//0112//3456//7890//189'],
  ['a slash between two blanks on one side only', 'FR76 /3000 /6000 /0112 /3456 /7890 /189'],
  ['a blank, a slash and two blanks', 'FR76 /  3000 /  6000 /  0112 /  3456 /  7890 /  189'],
  ['a comma between blanks', 'FR76 , 3000 , 6000 , 0112 , 3456 , 7890 , 189'],
])('still not an IBAN: %s', (_what, value) => {
  expect(found(iban, `IBAN ${value} ici`)).toEqual([]);
});

test('generated IBANs are found in groups of four with slashes, dots, dashes or bars, between blanks or not; with another check they are not', () => {
  const separator = fc.constantFrom(' / ', '/', '.', ' . ', ' - ', ' | ');
  fc.assert(
    fc.property(
      fc.tuple(ibanArb, separator).chain(([value, sep]) => inText(fc.constant(grouped(value, 4).replaceAll(' ', sep))).map((placed) => ({ ...placed, value, sep }))),
      fc.integer({ min: 1, max: 96 }),
      ({ text, start, end, value, sep }, shift) => {
        expect(found(iban, text)).toEqual([['IBAN', text.slice(start, end)]]);
        expect(found(iban, text.slice(0, start) + grouped(wrongIbanCheck(value, shift), 4).replaceAll(' ', sep) + text.slice(end))).toEqual([]);
      },
    ),
  );
});

test('generated IBANs are found compact, in groups of four, with spaces and dashes mixed; with another check they are not', () => {
  const written = fc.tuple(ibanArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 9 }), fc.constantFrom('compact', 'grouped', 'mixed'));
  const write = (value: string, dashes: boolean[], how: string): string => (how === 'compact' ? value : how === 'grouped' ? grouped(value, 4) : groupedMixed(value, 4, dashes));
  fc.assert(
    fc.property(
      written.chain(([value, dashes, how]) => inText(fc.constant(write(value, dashes, how))).map((placed) => ({ ...placed, value, dashes, how }))),
      fc.integer({ min: 1, max: 96 }),
      ({ text, start, end, value, dashes, how }, shift) => {
        expect(found(iban, text)).toEqual([['IBAN', text.slice(start, end)]]);
        expect(found(iban, text.slice(0, start) + write(wrongIbanCheck(value, shift), dashes, how) + text.slice(end))).toEqual([]);
      },
    ),
  );
});

test("validIban says what ibantools' isValidIBAN says: valid IBANs, their check digits or last character changed, random strings", () => {
  const changed = (value: string, at: number, char: string): string => value.slice(0, at) + char + value.slice(at + 1);
  const candidate = fc.oneof(
    ibanArb,
    ibanArb.chain((value) => fc.tuple(fc.integer({ min: 2, max: value.length - 1 }), fc.constantFrom(...'0123456789ABCZ')).map(([at, char]) => changed(value, at, char))),
    fc.tuple(fc.constantFrom('FR', 'DE', 'BE', 'ES', 'IT', 'NL', 'CH', 'LI', 'GB', 'PL', 'NO', 'MC', 'XX'), fc.stringMatching(/^[0-9]{2}[0-9A-Z]{10,30}$/)).map(([country, rest]) => country + rest),
    fc.constant(ibanOf('FR', '30006000011234567890189')),
  );
  fc.assert(
    fc.property(candidate, (value) => {
      expect(validIban(value)).toBe(isValidIBAN(value));
    }),
    { numRuns: 5_000 },
  );
  expect(validIban('FR7630006000011234567890189')).toBe(true);
});
