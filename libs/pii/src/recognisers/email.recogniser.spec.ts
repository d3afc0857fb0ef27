import fc from 'fast-check';
import { emailArb, found, inText } from '../testing/identifiers.js';
import { EmailRecogniser } from './email.recogniser.js';

const email = new EmailRecogniser();

test.each([
  ['Écrivez à jean.dupont@orange.fr.', 'jean.dupont@orange.fr'],
  ['<camille+factures@mail.example-fictif.com>', 'camille+factures@mail.example-fictif.com'],
  ['contact:a_b%c@sous.domaine.co.uk, merci', 'a_b%c@sous.domaine.co.uk'],
])('%s', (text, expected) => {
  expect(found(email, text)).toEqual([['EMAIL', expected]]);
});

test.each([
  ['no domain dot', 'jean@localhost'],
  ['a numeric top-level domain', 'jean@10.0.0.1'],
  ['two dots in the local part', 'jean..dupont@orange.fr'],
  ['a leading dot', '.jean@orange.fr'],
  ['an at sign alone', 'rendez-vous @ 14h'],
  ['a label starting with a hyphen', 'jean@-orange.fr'],
  ['a local part of 65 characters', `${'a'.repeat(65)}@orange.fr`],
  ['an accented letter glued before', 'andréjean@orange.fr'],
])('not an address: %s', (_what, text) => {
  expect(found(email, text)).toEqual([]);
});

test('generated addresses are found in any surrounding text', () => {
  fc.assert(
    fc.property(inText(emailArb), ({ text, value }) => {
      expect(found(email, text)).toEqual([['EMAIL', value]]);
    }),
  );
});
