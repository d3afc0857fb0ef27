import fc from 'fast-check';
import { found, inText, nirArb, printedNir } from '../testing/identifiers.js';
import { NirRecogniser } from './nir.recogniser.js';

const nir = new NirRecogniser();

test.each([
  ['python-stdnum\'s example, grouped', '2 95 10 99 126 111 93'],
  ['compact', '295109912611193'],
  ['Corse-du-Sud (2B)', '253072B07300470'],
  ['Corse-du-Sud (2A), grouped', '2 53 07 2A 073 004 43'],
  ['the key apart', '2951099126111 93'],
  ['grouped with hyphens (newcomer review: it reached the model)', '2-95-10-99-126-111-93'],
  ['grouped with dots', '2.95.10.99.126.111.93'],
])('%s', (_what, value) => {
  expect(found(nir, `N° de sécurité sociale : ${value}.`)).toEqual([['NIR', value]]);
});

test.each([
  ['a wrong key', '2 95 10 99 126 111 94'],
  ['Corsica read without its rule (2B under the 2A key)', '253072B07300443'],
  ['sex 5', '5 95 10 99 126 111 93'],
  ['month 13', '2 95 13 99 126 111 93'],
  ['groups in other places', '29 51 09 91 26 11 19 3'],
  ['glued to a digit', '2951099126111930'],
  ['hyphens with a wrong key', '2-95-10-99-126-111-94'],
  ['hyphens and spaces mixed', '2-95 10-99 126-111 93'],
])('not a NIR: %s', (_what, value) => {
  expect(found(nir, `NIR ${value} fin`)).toEqual([]);
});

test('generated NIRs are found compact and grouped; with another key they are not', () => {
  fc.assert(
    fc.property(inText(nirArb.chain((value) => fc.constantFrom(value, printedNir(value)))), fc.integer({ min: 1, max: 96 }), ({ text, start, end, value }, shift) => {
      expect(found(nir, text)).toEqual([['NIR', value]]);
      const key = (Number(value.slice(-2)) + shift) % 97;
      const wrong = value.slice(0, -2) + String(key).padStart(2, '0');
      expect(found(nir, text.slice(0, start) + wrong + text.slice(end))).toEqual([]);
    }),
  );
});
