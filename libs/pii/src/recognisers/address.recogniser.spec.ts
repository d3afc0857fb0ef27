import { found } from '../testing/identifiers.js';
import { AddressRecogniser } from './address.recogniser.js';

const address = new AddressRecogniser();

test.each([
  ['domicilié au 12 rue de la Paix, 75002 Paris.', '12 rue de la Paix, 75002 Paris'],
  ['12 bis avenue Victor Hugo 69003 Lyon', '12 bis avenue Victor Hugo 69003 Lyon'],
  ['3, place du Marché\n13001 Marseille', '3, place du Marché\n13001 Marseille'],
  ['45 bd. Saint-Germain, 75005 Paris Cedex 05', '45 bd. Saint-Germain, 75005 Paris Cedex 05'],
  ["8 quai de l'Horloge, 76600 Le Havre", "8 quai de l'Horloge, 76600 Le Havre"],
  ['7B chemin des Vignes, 2A000 ?', '7B chemin des Vignes'],
  ['livraison rue des Lilas, 44000 Nantes', 'rue des Lilas, 44000 Nantes'],
  ["20 rue d'Alésia 75014 Paris", "20 rue d'Alésia 75014 Paris"],
])('%s', (text, expected) => {
  expect(found(address, text)).toEqual([['ADDRESS', expected]]);
});

test.each([
  ['a street type as a common word', 'les travaux sont en cours de réalisation'],
  ['a street without number nor locality', 'dans la rue Principale'],
  ['a number before a common word', 'il reste 3 place libres'],
  ['a postal code of no department', 'rue de la Paix, 00100 Nulle-Part'],
])('not an address: %s', (_what, text) => {
  expect(found(address, text)).toEqual([]);
});
