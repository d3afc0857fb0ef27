import fc from 'fast-check';
import { bareCountryCodePhone, candidates, cutAt, found, frenchMobileArb, frenchPhoneArb, frenchPhoneLayoutArb, inText, unevenFrenchPhoneArb } from '../testing/identifiers.js';
import { validFrenchNational } from './numbering-plans.js';
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
  'Tél : 06 1234 5678',
  'Tél : 01.4012.3456',
  'Tél : 06/12/34/56/78',
  'Portable 33612345678',
  'Tél. : 33140123456',
  'vous pouvez me joindre au 33478123456.',
])('%s', (text) => {
  const spans = found(phone, text);
  expect(spans).toHaveLength(1);
  expect(text).toContain(spans[0]![1]);
  expect(spans[0]![1]).toMatch(/^(\+|0|33)/);
  expect(spans[0]![1]).toMatch(/\d$/);
});

test('the whole number, with its prefix and trunk', () => {
  expect(found(phone, 'appelez le +33 (0)6 12 34 56 78 avant midi')).toEqual([['PHONE', '+33 (0)6 12 34 56 78']]);
  expect(found(phone, 'SIRET 0612345678 12 rue')).toEqual([['PHONE', '0612345678']]);
});

test('the first pair in brackets, "(06) 12 34 56 78", brackets included (newcomer review: it reached the model)', () => {
  expect(found(phone, 'appelez le (06) 12 34 56 78 avant midi')).toEqual([['PHONE', '(06) 12 34 56 78']]);
  expect(found(phone, 'Tél.(01).40.12.34.56')).toEqual([['PHONE', '(01).40.12.34.56']]);
  // Brackets alone do not make a number: another layout, nine digits, or a wrong one stay what they are.
  expect(found(phone, 'voir (06) 1234 5678')).toEqual([]);
  expect(found(phone, 'voir (06) 12 34 56 7')).toEqual([]);
  expect(found(phone, 'voir (00) 12 34 56 78')).toEqual([]);
  // An opening bracket alone: the number after it, as before.
  expect(found(phone, 'voir (06 12 34 56 78')).toEqual([['PHONE', '06 12 34 56 78']]);
});

test.each([
  // Newcomer review: these reached the model in clear.
  ['digit by digit', 'Tél : 0 6 1 2 3 4 5 6 7 8.', '0 6 1 2 3 4 5 6 7 8'],
  ['digit by digit, dots', 'tél. 0.6.1.2.3.4.5.6.7.8', '0.6.1.2.3.4.5.6.7.8'],
  ['digit by digit, dashes', 'tél. 0-1-4-0-1-2-3-4-5-6 fin', '0-1-4-0-1-2-3-4-5-6'],
  ['pairs, the last one apart', 'appelez le 06 12 34 56 7 8 avant midi', '06 12 34 56 7 8'],
  ['pairs and singles', 'appelez le 0 6 12 34 5 6 78 avant midi', '0 6 12 34 5 6 78'],
  ['groups of three', 'appelez le 061 234 567 8', '061 234 567 8'],
  ['4-4-2', 'appelez le 0612 3456 78', '0612 3456 78'],
  ['2-2-2-4', 'appelez le 06.12.34.5678', '06.12.34.5678'],
  ['1-3-3-3', 'appelez le 0 612 345 678', '0 612 345 678'],
])('a French number grouped unevenly, one kind of separator: %s', (_what, text, expected) => {
  expect(found(phone, text)).toEqual([['PHONE', expected]]);
});

test.each([
  // Grouped unevenly, the ten digits are the whole run: a row of a table is not cut into a phone number.
  ['eleven single digits', 'ligne : 0 6 1 2 3 4 5 6 7 8 9'],
  ['a digit before', 'ligne : 1 0 6 1 2 3 4 5 6 7 8'],
  ['a group after', 'ligne : 06 12 34 56 7 8 12'],
  ['a group before, dots', 'v1.0.6.1.2.3.4.5.6.7.8'],
  ['not in the French plan (040)', '0 4 0 1 2 3 4 5 6 7'],
  ['nine digits', '0 6 1 2 3 4 5 6 7'],
  ['two kinds of separators', '0 6.1 2 3 4 5 6 7 8'],
  ['slashes, digit by digit', '0/6/1/2/3/4/5/6/7/8'],
  ['slashes, a date and a time', '06/12/2024/10/30'],
  ['a group of five', '06 12345 678'],
  ['two blanks between groups', '0  6  1  2  3  4  5  6  7  8'],
])('not a phone number: %s', (_what, text) => {
  expect(found(phone, text)).toEqual([]);
});

test('generated French numbers grouped unevenly (digit by digit, groups of one to four) are found whole', () => {
  fc.assert(
    fc.property(inText(unevenFrenchPhoneArb), ({ text, value }) => {
      expect(found(phone, text)).toEqual([['PHONE', value]]);
    }),
  );
});

test('ten single digits that are no French number, or a French number with one more digit beside it, are not found', () => {
  const tenDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }).map((rest) => `0${rest.join('')}`);
  const separator = fc.constantFrom(' ', '.', '-');
  fc.assert(
    fc.property(tenDigits.filter((digits) => !validFrenchNational(digits)), separator, (digits, sep) => {
      expect(found(phone, `ligne : ${[...digits].join(sep)} fin`)).toEqual([]);
    }),
  );
  fc.assert(
    fc.property(frenchPhoneArb, separator, fc.integer({ min: 0, max: 9 }), fc.boolean(), (number, sep, digit, before) => {
      const row = [...number].join(sep);
      expect(found(phone, `ligne : ${before ? `${digit}${sep}${row}` : `${row}${sep}${digit}`} fin`)).toEqual([]);
      // The last pair apart, "06 12 34 56 7 8", then one more digit.
      expect(found(phone, `ligne : ${cutAt(number, [2, 4, 6, 8, 9], sep)}${sep}${digit} fin`)).toEqual([]);
    }),
  );
});

test('the new layouts, whole', () => {
  expect(found(phone, 'appelez le 06 1234 5678 avant midi')).toEqual([['PHONE', '06 1234 5678']]);
  expect(found(phone, 'appelez le 06/12/34/56/78 avant midi')).toEqual([['PHONE', '06/12/34/56/78']]);
  expect(found(phone, 'mon numéro 33612345678.')).toEqual([['PHONE', '33612345678']]);
  expect(found(phone, 'Tél : 33140123456')).toEqual([['PHONE', '33140123456']]);
});

test.each([
  ['nine digits', '06 12 34 56 7'],
  ['eleven digits', '061234567890'],
  ['mixed separators', '06 12.34 56 78'],
  ['not in the French plan (040)', '04 01 23 45 67'],
  ['glued to letters', 'REF0612345678'],
  ['glued to digits', '10612345678'],
  ['a plus sign with too few digits', '+33 6 12'],
  ['an invoice number', 'Facture n° 2024-000123'],
  ['an amount', '1 234 567,89 €'],
  ['2-4-4 not in the French plan (040)', '04 0123 4567'],
  ['2-4-4 with one digit short', '06 1234 567'],
  ['2-4-4 with two kinds of separators', '06 1234.5678'],
  ['slashes and spaces mixed', '06/12 34/56/78'],
  ['slashes in another layout', '06/1234/5678'],
  ['a date', 'le 06/12/2024 à 10h'],
  ['a date and a time', 'le 06/12/24 10/30'],
  ['33 and a landline, no word of a phone before', 'RPPS 33421709409'],
  ['33 and a landline, other words before', 'Dr Tessier, dossier 33468805805'],
  ['33 and a mobile after an identifier label', 'RPPS 33612345678'],
  ['33 and a mobile, order number', 'Commande n° 33612345678'],
  ['33 and a number outside the plan, with a phone word', 'Tél : 33012345678'],
  ['33 and ten digits', 'Tél : 336123456789'],
  ['33 and eight digits', 'Tél : 3361234567'],
  ['33 glued to digits', 'Tél : 133612345678'],
  ['33 glued to letters', 'Tél : A33612345678'],
  ['33 with a phone word too far before', `Tél : voir ${'plus loin '.repeat(5)}33140123456`],
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

test('and with 33 before the nine digits, no "+": after a word of a phone, any French number; otherwise a mobile', () => {
  const words = ['Tél :', 'tel.', 'Téléphone', 'portable', 'mobile', 'phone:', 'me joindre au', 'appelez le', 'WhatsApp', 'fax'];
  fc.assert(
    fc.property(inText(frenchPhoneArb.map(bareCountryCodePhone)), fc.constantFrom(...words), ({ text, start, end }, word) => {
      const said = `${text.slice(0, start)}${word} ${text.slice(start)}`;
      const at = start + word.length + 1;
      expect(candidates(phone, said).map((candidate) => [candidate.start, candidate.end])).toEqual([[at, end + word.length + 1]]);
    }),
  );
  fc.assert(
    fc.property(inText(frenchMobileArb.map(bareCountryCodePhone)), ({ text, start, end }) => {
      // The filler names identifiers ("dossier", "référence"): a mobile number after one of those is the next test's.
      fc.pre(!/dossier|référence/.test(text.slice(Math.max(0, start - 30), start)));
      expect(candidates(phone, text).map((candidate) => [candidate.start, candidate.end])).toEqual([[start, end]]);
    }),
  );
  fc.assert(
    fc.property(inText(frenchMobileArb.map(bareCountryCodePhone)), fc.constantFrom('RPPS', 'Réf.', 'dossier', 'commande n°', 'Facture'), ({ text, start }, word) => {
      expect(found(phone, `${text.slice(0, start)}${word} ${text.slice(start)}`)).toEqual([]);
    }),
  );
});

test('33 and a landline, with no word of a phone before, is not a phone number (RPPS numbers, order numbers)', () => {
  const landline = fc.tuple(fc.constantFrom('01', '02', '03', '04', '05'), fc.stringMatching(/^[0-9]{8}$/)).map(([prefix, rest]) => prefix + rest);
  fc.assert(
    fc.property(inText(landline.map(bareCountryCodePhone)), ({ text }) => {
      expect(found(phone, text)).toEqual([]);
    }),
  );
});
