import { found } from '../testing/identifiers.js';
import { DateOfBirthRecogniser } from './date-of-birth.recogniser.js';

const dob = new DateOfBirthRecogniser();

test.each([
  ['Jean Dupont, né le 12/05/1985 à Lyon', '12/05/1985'],
  ['Mme Leroy, née le 3 mars 1962', '3 mars 1962'],
  ['née à Saint-Étienne le 1er août 1970', '1er août 1970'],
  ['Date de naissance :\n07.11.1990', '07.11.1990'],
  ['DDN 07-11-90', '07-11-90'],
  ['DOB: 1985-05-12', '1985-05-12'],
  ['born on May 12, 1985 in Paris', 'May 12, 1985'],
  ['Né(e) le 29/02/2000', '29/02/2000'],
])('%s', (text, expected) => {
  expect(found(dob, text)).toEqual([['DATE_OF_BIRTH', expected]]);
});

test.each([
  ['an invoice date', 'Facture du 12/05/2024'],
  ['an appointment', 'rendez-vous le 3 mars 2025 à 14h'],
  ['a word that contains "né"', 'document donné le 12/05/2024'],
  ['an impossible day', 'né le 31/04/1985'],
  ['a 29 February of a common year', 'né le 29/02/1985'],
  ['a version number', 'né le v1.2.3'],
  ['too far from the word', `né le ${'x'.repeat(60)} 12/05/1985`],
])('not a date of birth: %s', (_what, text) => {
  expect(found(dob, text)).toEqual([]);
});

test('a later date in the same sentence is not the birth date: another number stands between it and the word', () => {
  expect(found(dob, 'né le 12/05/1985, embauché le 01/09/2010')).toEqual([['DATE_OF_BIRTH', '12/05/1985']]);
});
