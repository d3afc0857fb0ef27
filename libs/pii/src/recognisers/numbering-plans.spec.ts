// The plans read from libphonenumber-js's metadata must say what libphonenumber-js says.
import fc from 'fast-check';
import examples from 'libphonenumber-js/examples.mobile.json';
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { validFrenchNational, validInternational } from './numbering-plans.js';

const OVERSEAS: CountryCode[] = ['RE', 'YT', 'GP', 'MQ', 'GF', 'BL', 'MF'];
const COUNTRIES: CountryCode[] = ['FR', 'DE', 'GB', 'IT', 'ES', 'BE', 'CH', 'NL', 'PT', 'US', 'CA', 'MA', 'DZ', 'TN', 'SN', 'RE', 'GP', 'CN', 'IN', 'BR', 'JP', 'RU'];
const digits = (min: number, max: number): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((ds) => ds.join(''));

test('national numbers: valid in France or an overseas plan dialled with 0, as libphonenumber-js parses them', () => {
  fc.assert(
    fc.property(fc.tuple(fc.integer({ min: 1, max: 9 }), digits(8, 8)), ([first, rest]) => {
      const number = `0${first}${rest}`;
      const library = ['FR' as CountryCode, ...OVERSEAS].some((country) => parsePhoneNumberFromString(number, country)?.isValid() === true);
      expect(validFrenchNational(number)).toBe(library);
    }),
    { numRuns: 5_000 },
  );
});

/** Each country's example mobile number with its last digits changed: valid and invalid ones, at the right lengths. */
const international = fc.tuple(fc.constantFrom(...COUNTRIES), digits(0, 4), fc.integer({ min: -1, max: 1 })).map(([country, tail, lengthChange]) => {
  const example = getExampleNumber(country, examples)!.number.slice(1);
  const changed = example.slice(0, example.length - tail.length) + tail;
  return lengthChange < 0 ? changed.slice(0, -1) : lengthChange > 0 ? `${changed}5` : changed;
});

/** A calling code, then its country's trunk prefix or another digit, then a national number of any length: what libphonenumber-js strips after the code, or not. */
const trunkPrefixed = fc.tuple(fc.constantFrom('33', '44', '1', '7', '20', '39', '49', '82', '86', '262'), fc.constantFrom('0', '1', '8', '9', '08', '180020'), digits(4, 11)).map((parts) => parts.join(''));

test('international numbers of many countries, valid or not, with a trunk prefix after the calling code or not, as libphonenumber-js decides', () => {
  fc.assert(
    fc.property(fc.oneof(international, digits(6, 15), trunkPrefixed), (number) => {
      expect(validInternational(number)).toBe(parsePhoneNumberFromString(`+${number}`)?.isValid() === true);
    }),
    { numRuns: 10_000 },
  );
});

test('a trunk prefix after the calling code is read as libphonenumber-js reads it: +33 0612…, +44 020…, +1 1 212…, +7 8 916… are valid, +33 2 50… of fourteen digits is not', () => {
  for (const number of ['330612345678', '4402079460958', '112125550123', '789161234567']) expect(validInternational(number)).toBe(true);
  expect(validInternational('33250765157059')).toBe(false);
});

test.each([
  ['0612345678', true],
  ['0140123456', true],
  ['0401234567', false],
  ['0262123456', true],
  ['0712345678', false],
])('%s: %s', (number, valid) => {
  expect(validFrenchNational(number)).toBe(valid);
});
