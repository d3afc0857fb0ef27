import { found } from '../testing/identifiers.js';
import { PersonRecogniser } from './person.recogniser.js';

const person = new PersonRecogniser();

test.each([
  ['a title and a surname', 'Mme Leroy a appelé.', 'Leroy'],
  ['M. and a full name', 'M. Jean Dupont est arrivé.', 'Jean Dupont'],
  ['Dr and a hyphenated surname', 'Dr Sophie Martin-Leroy, cardiologue', 'Sophie Martin-Leroy'],
  ['Maître', 'Maître Durand représente', 'Durand'],
  ['a title and a first name not in the dictionary', 'M. Djamel Fernandez, client', 'Djamel Fernandez'],
  ['Me', 'Me Fabre, avocat', 'Fabre'],
  ['a first name and a surname', 'Cordialement,\nJulie Martin', 'Julie Martin'],
  ['particles', 'Jean de La Fontaine écrit', 'Jean de La Fontaine'],
  ['a surname in capitals before the first name', 'DUPONT Jean, né le', 'DUPONT Jean'],
  ['a greeting', 'Bonjour Camille, voici', 'Camille'],
  ['a form label', 'Patient : LEFEBVRE Marc', 'LEFEBVRE Marc'],
  ['a compound first name', 'Jean-Pierre Moreau signe', 'Jean-Pierre Moreau'],
])('%s', (_what, text, expected) => {
  expect(found(person, text)).toEqual([['PERSON', expected]]);
});

test.each([
  ['M without its full stop', 'taille M Dupont'],
  ['a first name alone', 'Julie a appelé'],
  ['a company', 'Société Générale'],
  ['lower case', 'jean dupont'],
  ['a month after a name-like word', 'Rose Mars'],
  ['a first name before a street type', 'Victor Rue'],
])('not a person: %s', (_what, text) => {
  expect(found(person, text)).toEqual([]);
});
