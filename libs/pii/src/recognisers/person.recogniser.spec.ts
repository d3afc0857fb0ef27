import fc from 'fast-check';
import { found, inText } from '../testing/identifiers.js';
import { FRENCH_VERBS } from '../data/french-verbs.js';
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
  ['lower case, no first name', 'le dossier suivant'],
  ['a month after a name-like word', 'Rose Mars'],
  ['a first name before a street type', 'Victor Rue'],
])('not a person: %s', (_what, text) => {
  expect(found(person, text)).toEqual([]);
});

// Newcomer review: names typed in lower case ("écris à jean dupont") reached the model in clear. In
// lower case a name needs a first name of the dictionary, and the word beside it must not be one of
// the ordinary words that follow or precede a first name in a sentence.
test.each([
  ['a first name and a surname', 'écris à jean dupont demain', 'jean dupont'],
  ['with accents', "j'ai mis frédéric bonnet en copie", 'frédéric bonnet'],
  ['a compound first name', 'voir jean-pierre moreau ce soir', 'jean-pierre moreau'],
  ['a capitalised surname', 'voir jean Dupont ce soir', 'jean Dupont'],
  ['particles before a capitalised surname', 'voir jean de La Fontaine ce soir', 'jean de La Fontaine'],
  ['the surname first, alone in a list', 'présents : dupont jean, et personne d’autre', 'dupont jean'],
  ['the surname first, alone on its line', 'signé\nmoreau maëlys\n', 'moreau maëlys'],
  ['a greeting', 'bonjour julie, voici le dossier', 'julie'],
  ['a particle that is no French word', 'voir jules dos santos ce soir', 'jules dos santos'],
  ['two first names', 'voir jean marie dupont ce soir', 'jean marie dupont'],
])('in lower case: %s', (_what, text, expected) => {
  expect(found(person, text)).toEqual([['PERSON', expected]]);
});

test('in lower case, two names of a list, surnames first', () => {
  expect(found(person, 'présents : dupont jean, martin sophie.')).toEqual([
    ['PERSON', 'dupont jean'],
    ['PERSON', 'martin sophie'],
  ]);
});

test.each([
  ['a first name and a verb', 'jean est parti hier'],
  ['a first name and an auxiliary', 'julie a appelé ce matin'],
  ['a first name and a verb of the present', 'thomas habite à lyon'],
  ['a first name and a pronoun', 'sophie nous attend'],
  ['a first name and a verb of the list, present', 'marie chante très bien'],
  ['a first name and a verb of the list, future', 'julie travaillera demain'],
  ['a first name and a verb of the list, second group', 'camille réfléchit encore'],
  ['a first name and a verb of the list, in -re', 'thomas conduit trop vite'],
  ['a first name and a verb of the list, a changed stem', 'léa préfère le thé'],
  ['a verb before a first name, alone on its line', 'rappeler\nappeler sophie\n'],
  ['a first name and a verb that is a first name too', 'julie marie sa fille'],
  ['a first name and a state', 'thomas malade depuis hier'],
  ['a first name and a state, feminine', 'léa seule à la maison'],
  ['a first name and a role', 'emma stagiaire cet été'],
  ['a first name and a kin word', 'julie sœur de paul'],
  ['a first name and a conjunction', 'camille et moi'],
  ['first names that are words: a stone', 'une pierre tombale'],
  ['first names that are words: a flower', 'une rose rouge'],
  ['first names that are words: clear water', "de l'eau claire"],
  ['first names that are words: the navy', 'la marine nationale'],
  ['first names that are words: trousers', 'un jean bleu'],
  ['first names that are words: a maximum', 'max dix caractères'],
  ['particles then a lower-case word', 'julie de la compta'],
  ['a word before a first name, inside a sentence', 'il faut appeler jean demain'],
  ['the surname first, inside a sentence', 'le rapport dupont jean le lira'],
  ['a month', 'le 3 avril dernier'],
  ['a street named after someone', '12 rue victor hugo, 75002 paris'],
  ['a street named after someone, abbreviated', '145 av. jean jaurès'],
  ['English', 'you may be right, grace notes'],
])('in lower case, not a person: %s', (_what, text) => {
  expect(found(person, text)).toEqual([]);
});

/** First names of the dictionary and surnames, in lower case, as they are typed in a chat. */
const FIRST = ['jean', 'marie', 'julie', 'thomas', 'nicolas', 'sophie', 'camille', 'léa', 'chloé', 'hugo', 'inès', 'cédric', 'noémie', 'jean-pierre', 'anne-sophie', 'maëlys', 'françois', 'hélène', 'éric', 'zoé', 'mathilde', 'antoine', 'karim', 'fatima', 'youssef', 'aïcha', 'moussa'];
const SURNAMES = ['dupont', 'moreau', 'lefebvre', 'garnier', 'rousseau', 'mercier', 'girard', 'bonnet', 'lambert', 'faure', 'chevalier', 'gauthier', 'perrin', 'morin', 'masson', 'dumont', 'giraud', 'gaillard', 'leroux', 'vidal', 'caron', 'fabre', 'lacroix', 'leclerc', 'deschamps', 'nguyen', 'diallo', 'haddad', 'ferreira', 'martin-leroy'];
const firstArb = fc.constantFrom(...FIRST);
const surnameArb = fc.constantFrom(...SURNAMES);

test('a first name in lower case followed by a verb of the list, conjugated, is not a name', () => {
  const firstGroup = FRENCH_VERBS.filter((verb) => verb.endsWith('er') && !/(ger|cer|yer|eler|eter|é.er|e.er)$/.test(verb));
  const form = fc.tuple(fc.constantFrom(...firstGroup), fc.constantFrom('e', 'ent', 'ait', 'aient', 'era', 'eront', 'erait', 'a', 'é', 'ée')).map(([verb, ending]) => verb.slice(0, -2) + ending);
  fc.assert(
    fc.property(firstArb, form, (first, verb) => {
      expect(found(person, `hier ${first} ${verb} le dossier`)).toEqual([]);
    }),
  );
});

test('generated names in lower case, first name first, are found whole in any surrounding text', () => {
  fc.assert(
    fc.property(inText(fc.tuple(firstArb, surnameArb).map(([first, last]) => `${first} ${last}`)), ({ text, value }) => {
      expect(found(person, text)).toEqual([['PERSON', value]]);
    }),
  );
});

test('generated names in lower case, surname first, are found whole where they stand alone (a list, a line)', () => {
  const framed = fc.tuple(fc.constantFrom(': ', ', ', '\n', '('), surnameArb, firstArb, fc.constantFrom(',', '.', '\n', ')', ''));
  fc.assert(
    fc.property(inText(fc.constant('')), framed, ({ text }, [open, last, first, close]) => {
      const name = `${last} ${first}`;
      const written = `${text.trimEnd()}${open}${name}${close}`;
      expect(found(person, written)).toEqual([['PERSON', name]]);
    }),
  );
});
