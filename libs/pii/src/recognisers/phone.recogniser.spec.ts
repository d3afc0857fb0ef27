import fc from 'fast-check';
import { found, frenchPhoneArb, frenchPhoneLayoutArb, inText } from '../testing/identifiers.js';
import { PhoneRecogniser } from './phone.recogniser.js';

const phone = new PhoneRecogniser();

test.each([
  'Tél : 06 12 34 56 78.',
  'Tél : 06.12.34.56.78',
  'Tél : 06-12-34-56-78',
  'Tél : 0612345678',
  'Standard 01 40 12 34 56, merci',
  'Numéro vert 0 800 12 34 56',
  'Numéro vert 0800 123 456',
  'Portable +33 6 12 34 56 78',
  'Portable +33 (0)6 12 34 56 78',
  'Portable +33612345678',
  'Portable 0033 6 12 34 56 78',
  'Berlin +49 30 12345678',
  'Bruxelles +32 2 512 34 56',
  'New York +1 (212) 555-0123',
])('%s', (text) => {
  const spans = found(phone, text);
  expect(spans).toHaveLength(1);
  expect(text).toContain(spans[0]![1]);
  expect(spans[0]![1]).toMatch(/^[+0]/);
  expect(spans[0]![1]).toMatch(/\d$/);
});

test('the whole number, with its prefix and trunk', () => {
  expect(found(phone, 'appelez le +33 (0)6 12 34 56 78 avant midi')).toEqual([['PHONE', '+33 (0)6 12 34 56 78']]);
  expect(found(phone, 'SIRET 0612345678 12 rue')).toEqual([['PHONE', '0612345678']]);
});

test.each([
  ['nine digits', '06 12 34 56 7'],
  ['eleven digits', '061234567890'],
  ['mixed separators', '06 12.34 56 78'],
  ['groups of three', '061 234 567 8'],
  ['not in the French plan (040)', '04 01 23 45 67'],
  ['glued to letters', 'REF0612345678'],
  ['glued to digits', '10612345678'],
  ['a plus sign with too few digits', '+33 6 12'],
  ['an invoice number', 'Facture n° 2024-000123'],
  ['an amount', '1 234 567,89 €'],
])('not a phone number: %s', (_what, text) => {
  expect(found(phone, text)).toEqual([]);
});

test('generated French numbers are found, in every national layout', () => {
  fc.assert(
    fc.property(
      inText(frenchPhoneLayoutArb),
      ({ text, value }) => {
        expect(found(phone, text)).toEqual([['PHONE', value]]);
      },
    ),
  );
});

test('and in the +33 layout', () => {
  fc.assert(
    fc.property(inText(frenchPhoneArb.map((number) => `+33 ${number[1]} ${number.slice(2).match(/../g)!.join(' ')}`)), ({ text, value }) => {
      expect(found(phone, text)).toEqual([['PHONE', value]]);
    }),
  );
});
