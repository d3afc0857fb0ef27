import fc from 'fast-check';
import { found, inText, siretArb, wrongLastDigit } from '../testing/identifiers.js';
import { SiretRecogniser } from './siret.recogniser.js';

const siret = new SiretRecogniser();
const printed = (value: string): string => `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6, 9)} ${value.slice(9)}`;

test.each(['732 829 320 00074', '73282932000074', '732829320 00074'])('%s', (value) => {
  expect(found(siret, `SIRET : ${value}`)).toEqual([['SIRET', value]]);
});

test("La Poste's establishments: a sum of digits that is a multiple of 5, Luhn or not", () => {
  expect(found(siret, 'SIRET 356 000 000 00010')).toEqual([['SIRET', '356 000 000 00010']]);
  expect(found(siret, 'SIRET 356 000 000 00011')).toEqual([]);
  // Luhn holds for this one, but La Poste's rule does not: refused.
  expect(found(siret, 'SIRET 356 000 000 00048')).toEqual([]);
});

test.each([
  ['a wrong Luhn digit', '732 829 320 00075'],
  ['the NIC in two', '732 829 320 000 74'],
  ['fifteen digits', '732829320000745'],
])('not a SIRET: %s', (_what, value) => {
  expect(found(siret, `SIRET ${value}`)).toEqual([]);
});

test('generated SIRETs are found compact and 3-3-3-5; with another last digit they are not', () => {
  fc.assert(
    fc.property(inText(siretArb.chain((value) => fc.constantFrom(value, printed(value)))), fc.integer({ min: 1, max: 9 }), ({ text, start, end, value }, shift) => {
      expect(found(siret, text)).toEqual([['SIRET', value]]);
      expect(found(siret, text.slice(0, start) + wrongLastDigit(value, shift) + text.slice(end))).toEqual([]);
    }),
  );
});
