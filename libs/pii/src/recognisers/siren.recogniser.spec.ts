import fc from 'fast-check';
import { candidates, found, grouped, inText, sirenArb, wrongLastDigit } from '../testing/identifiers.js';
import { SirenRecogniser } from './siren.recogniser.js';

const siren = new SirenRecogniser();

test.each(['732 829 320', '732829320', '356000000'])('%s', (value) => {
  expect(found(siren, `RCS Paris ${value}`)).toEqual([['SIREN', value]]);
});

test('a word of the register before it raises the score', () => {
  const [inContext] = candidates(siren, 'SIREN : 732 829 320');
  const [bare] = candidates(siren, 'commande 732 829 320');
  expect(inContext!.score).toBeGreaterThan(bare!.score);
});

test.each([
  ['a wrong Luhn digit', '732 829 321'],
  ['groups of other sizes', '7328 29320'],
  ['ten digits', '7328293201'],
  ['mixed spaces', '732 829\u00a0320'],
])('not a SIREN: %s', (_what, value) => {
  expect(found(siren, `SIREN ${value}`)).toEqual([]);
});

test('generated SIRENs are found compact and 3-3-3; with another last digit they are not', () => {
  fc.assert(
    fc.property(inText(sirenArb.chain((value) => fc.constantFrom(value, grouped(value, 3)))), fc.integer({ min: 1, max: 9 }), ({ text, start, end, value }, shift) => {
      expect(found(siren, text)).toEqual([['SIREN', value]]);
      expect(found(siren, text.slice(0, start) + wrongLastDigit(value, shift) + text.slice(end))).toEqual([]);
    }),
  );
});
