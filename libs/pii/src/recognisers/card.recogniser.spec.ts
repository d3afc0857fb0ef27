import fc from 'fast-check';
import { candidates, cardArb, found, grouped, inText, wrongLastDigit } from '../testing/identifiers.js';
import { CardRecogniser } from './card.recogniser.js';

const card = new CardRecogniser();

test.each([
  ['Visa', '4111 1111 1111 1111'],
  ['Visa, dashes', '4111-1111-1111-1111'],
  ['Visa, compact', '4111111111111111'],
  ['Mastercard', '5555 5555 5555 4444'],
  ['Mastercard 2-series', '2223 0031 2200 3222'],
  ['American Express, 4-6-5', '3782 822463 10005'],
  ['Discover', '6011 1111 1111 1117'],
  ['JCB', '3530 1113 3330 0000'],
  ['Diners, 4-6-4', '3056 930902 5904'],
])('%s', (_what, value) => {
  expect(found(card, `Carte n° ${value} exp 12/27`)).toEqual([['CARD', value]]);
});

test.each([
  ['a wrong Luhn digit', '4111 1111 1111 1112'],
  ['no scheme starts with 9', '9111 1111 1111 1115'],
  ['a Visa length that does not exist (15)', '411111111111116'],
  ['Amex grouped as 4-4-4-3', '3782 8224 6310 005'],
  ['mixed separators', '4111 1111-1111 1111'],
  ['Diners grouped 4-4-4-2', '3056 9309 0259 04'],
  ['a valid Maestro number inside a longer one', '4492 5696 0671 0832'],
])('not a card: %s', (_what, value) => {
  expect(found(card, `paiement ${value}`)).toEqual([]);
});

test('14 digits without a word of cards score below a SIRET', () => {
  const [bare] = candidates(card, 'ref 30569309025904');
  const [inContext] = candidates(card, 'carte 30569309025904');
  expect(bare!.score).toBeLessThan(0.95);
  expect(inContext!.score).toBeGreaterThan(0.95);
});

test('generated card numbers are found compact and 4-4-4-4; with another last digit they are not', () => {
  fc.assert(
    fc.property(inText(cardArb.chain((value) => fc.constantFrom(value, grouped(value, 4)))), fc.integer({ min: 1, max: 9 }), ({ text, start, end, value }, shift) => {
      expect(found(card, text)).toEqual([['CARD', value]]);
      expect(found(card, text.slice(0, start) + wrongLastDigit(value, shift) + text.slice(end))).toEqual([]);
    }),
  );
});
