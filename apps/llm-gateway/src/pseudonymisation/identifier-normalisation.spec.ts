// Spellings of one identifier that must share a placeholder, and values that must not.
import { normaliseIdentifier } from './identifier-normalisation.js';

const same = (type: string, ...spellings: string[]) => new Set(spellings.map((spelling) => normaliseIdentifier(type, spelling))).size === 1;

test('French phone numbers in national, international and dotted forms are one E.164 number', () => {
  expect(normaliseIdentifier('PHONE', '06 12 34 56 78')).toBe('+33612345678');
  expect(same('PHONE', '06 12 34 56 78', '06.12.34.56.78', '06-12-34-56-78', '+33 6 12 34 56 78', '+33 (0)6 12 34 56 78', '0033612345678', '+330612345678')).toBe(true);
  expect(same('PHONE', '06 12 34 56 78', '06 12 34 56 79')).toBe(false);
  expect(normaliseIdentifier('PHONE', '+49 30 1234567')).toBe('+49301234567');
});

test('IBANs without their spaces, dots and dashes, upper-cased', () => {
  expect(same('IBAN', 'FR76 3000 6000 0112 3456 7890 189', 'fr76-3000-6000-0112-3456-7890-189', 'FR76.3000.6000.0112.3456.7890.189', 'FR7630006000011234567890189')).toBe(true);
});

test('NIR, SIREN, SIRET and card numbers compare by their digits (a Corsican NIR keeps its 2A)', () => {
  expect(same('NIR', '1 85 05 78 006 084 36', '1850578006084 36')).toBe(true);
  expect(normaliseIdentifier('NIR', '2 85 2a 78 006 084 36')).toBe('2852A7800608436');
  expect(same('SIREN', '732 829 320', '732829320')).toBe(true);
  expect(same('SIRET', '732 829 320 00074', '73282932000074')).toBe(true);
  expect(same('CARD', '4970 1012 3456 7890', '4970-1012-3456-7890')).toBe(true);
});

test('emails are case-folded, person names case- and space-folded', () => {
  expect(same('EMAIL', 'Jean.Dupont@Example.FR', 'jean.dupont@example.fr')).toBe(true);
  expect(same('PERSON', 'Jean  DUPONT', 'jean dupont', ' Jean\u00a0Dupont ')).toBe(true);
  expect(same('PERSON', 'Jean Dupont', 'Jean Dupond')).toBe(false);
});

test('other types compare with their spaces collapsed, and compatibility forms folded', () => {
  expect(same('DATE_OF_BIRTH', '12  mars 1980', '12 mars 1980')).toBe(true);
  expect(same('EMAIL', 'ｊｅａｎ@example.fr', 'jean@example.fr')).toBe(true);
});

test('a value longer than any identifier is compared as written, not normalised', () => {
  const long = `${'e\u0301'.repeat(200)}`;
  expect(normaliseIdentifier('OTHER', long)).toBe(long);
});
