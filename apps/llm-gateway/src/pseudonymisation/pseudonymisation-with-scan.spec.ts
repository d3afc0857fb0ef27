// The PII engine (libs/pii) and the pseudonymiser together, on identifiers written the ways a
// newcomer review found reaching the model in clear (dots written apart, a phone number digit by
// digit, a name in lower case, an IBAN split by slashes): the text sent to the model holds a
// placeholder where each stood, and the model's answer is given back with the identifier as written.
import { scan } from '@gardien/pii';
import { PlaceholderMap } from './placeholder-map.js';
import { Pseudonymiser } from './pseudonymiser.js';
import { Reidentifier } from './reidentifier.js';

test.each([
  ['EMAIL', 'camille . martin @ exemple . fr'],
  ['EMAIL', 'camille . martin@exemple.fr'],
  ['EMAIL', 'camille.martin\n@exemple.fr'],
  ['PHONE', '0 6 1 2 3 4 5 6 7 8'],
  ['PHONE', '06 12 34 56 7 8'],
  ['PERSON', 'jean dupont'],
  ['PERSON', 'dupont jean'],
  ['IBAN', 'FR76 / 3000 / 6000 / 0112 / 3456 / 7890 / 189'],
])('%s written %j: the model is sent its placeholder, the caller gets it back as written', (type, value) => {
  const text = `Contact : ${value}, merci.`;
  const map = new PlaceholderMap();
  expect(new Pseudonymiser(map).pseudonymise(text, scan(text)).text).toBe(`Contact : <${type}_1>, merci.`);
  expect(new Reidentifier(map).reidentify(`Réponse : <${type}_1>.`).text).toBe(`Réponse : ${value}.`);
});
