// The PII engine (libs/pii) and the pseudonymiser together, on identifiers written the ways a
// newcomer review found reaching the model in clear (dots written apart, a phone number digit by
// digit, a name in lower case, an IBAN split by slashes; then, 2026-12-07, a phone number and an
// IBAN split across a line break, a RIB alone, a NIR without its key, a percent-encoded address):
// the text sent to the model holds a placeholder where each stood, and the model's answer is given
// back with the identifier as written.
import { scan } from '@gardien/pii';
import { PlaceholderMap } from './placeholder-map.js';
import { Pseudonymiser } from './pseudonymiser.js';
import { Reidentifier } from './reidentifier.js';
import { PseudonymiseStage } from '../pipeline/stages/pseudonymise.stage.js';
import { ReidentifyStage } from '../pipeline/stages/reidentify.stage.js';

test.each([
  ['EMAIL', 'camille . martin @ exemple . fr'],
  ['EMAIL', 'camille . martin@exemple.fr'],
  ['EMAIL', 'camille.martin\n@exemple.fr'],
  ['PHONE', '0 6 1 2 3 4 5 6 7 8'],
  ['PHONE', '06 12 34 56 7 8'],
  ['PERSON', 'jean dupont'],
  ['PERSON', 'dupont jean'],
  ['IBAN', 'FR76 / 3000 / 6000 / 0112 / 3456 / 7890 / 189'],
  ['PHONE', '06 12 34\n56 78'],
  ['PHONE', '06 12 34\r\n56 78'],
  ['IBAN', 'FR76 3000 6000\n0112 3456 7890 189'],
  ['IBAN', '30006 00001 12345678901 89'],
  ['IBAN', '30006000011234567890189'],
  ['NIR', '1 85 05 78 006 084'],
  ['EMAIL', 'jean.dupont%40example.fr'],
  ['EMAIL', 'jean%2Edupont%40example%2Efr'],
])('%s written %j: the model is sent its placeholder, the caller gets it back as written', (type, value) => {
  const text = `Contact : ${value}, merci.`;
  const map = new PlaceholderMap();
  expect(new Pseudonymiser(map).pseudonymise(text, scan(text)).text).toBe(`Contact : <${type}_1>, merci.`);
  expect(new Reidentifier(map).reidentify(`Réponse : <${type}_1>.`).text).toBe(`Réponse : ${value}.`);
});

test('one prompt with the four forms of 2026-12-07: what the runtime is sent holds none of their digits or names, the answer comes back as written', () => {
  const prompt = [
    'Bonjour, rappelez-moi au 06 12 34\r\n56 78 ou écrivez à jean%2Edupont%40example%2Efr.',
    'Virement sur le RIB 30006 00001 12345678901 89 (ou FR76 3000 6000\n0112 3456 7890 189).',
    'N° de sécurité sociale : 1850578006084.',
  ];
  const findings = prompt.map((text) => scan(text));
  const { texts, map, replaced } = new PseudonymiseStage().run(prompt, findings);
  expect(texts).toEqual([
    'Bonjour, rappelez-moi au <PHONE_1> ou écrivez à <EMAIL_1>.',
    'Virement sur le RIB <IBAN_1> (ou <IBAN_2>).',
    'N° de sécurité sociale : <NIR_1>.',
  ]);
  expect(replaced).toEqual({ PHONE: 1, EMAIL: 1, IBAN: 2, NIR: 1 });
  const sent = texts.join('\n');
  for (const clear of ['12 34', '56 78', 'dupont', 'example', '30006', '00001', '12345678901', '3000', '0112', '7890', '1850578006084']) expect(sent).not.toContain(clear);
  expect(scan(sent)).toEqual([]);
  const answer = new ReidentifyStage().run('Noté : <PHONE_1>, <EMAIL_1>, <IBAN_1>, <IBAN_2>, <NIR_1>.', map);
  expect(answer).toEqual({ text: 'Noté : 06 12 34\r\n56 78, jean%2Edupont%40example%2Efr, 30006 00001 12345678901 89, FR76 3000 6000\n0112 3456 7890 189, 1850578006084.', invented: 0 });
});

test('one prompt with the forms of 2026-12-08 (an address in HTML character references, a NIR digit by digit): the runtime is sent placeholders, the answer comes back as written', () => {
  const prompt = [
    '<p>Écrivez à jean&#46;dupont&#64;exemple&#46;fr ou à marie&period;curie&commat;exemple&#x2E;fr.</p>',
    'Mon numéro de sécurité sociale : 1 8 5 0 5 7 8 0 0 6 0 8 4 9 1.',
  ];
  const findings = prompt.map((text) => scan(text));
  const { texts, map, replaced } = new PseudonymiseStage().run(prompt, findings);
  expect(texts).toEqual(['<p>Écrivez à <EMAIL_1> ou à <EMAIL_2>.</p>', 'Mon numéro de sécurité sociale : <NIR_1>.']);
  expect(replaced).toEqual({ EMAIL: 2, NIR: 1 });
  const sent = texts.join('\n');
  for (const clear of ['jean', 'dupont', 'marie', 'curie', 'exemple', '1 8 5 0 5', '8 4 9 1']) expect(sent).not.toContain(clear);
  expect(scan(sent)).toEqual([]);
  const answer = new ReidentifyStage().run('Noté : <EMAIL_1>, <EMAIL_2>, <NIR_1>.', map);
  expect(answer).toEqual({ text: 'Noté : jean&#46;dupont&#64;exemple&#46;fr, marie&period;curie&commat;exemple&#x2E;fr, 1 8 5 0 5 7 8 0 0 6 0 8 4 9 1.', invented: 0 });
});
