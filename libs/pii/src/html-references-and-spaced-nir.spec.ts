// What a newcomer review found reaching the model in clear (2026-12-08): an address with its at sign
// and dots written as HTML character references ("jean&#46;dupont&#64;exemple&#46;fr",
// "&commat;", "&period;"), and a NIR written digit by digit ("1 8 5 0 5 7 8 0 0 6 0 8 4 9 1"). Each
// is found whole, as written; near misses (references to other characters, a reference without its
// semicolon, a NIR digit by digit with a wrong key) stay negative.
import fc from 'fast-check';
import { scan } from './pii-scanner.js';
import type { PiiType } from './finding.js';
import { digitByDigit, htmlReferenceEmailArb, inText, nirArb } from './testing/identifiers.js';

const found = (text: string): [PiiType, string][] => scan(text).map((finding) => [finding.type, finding.text]);

describe('an address written with HTML character references', () => {
  test.each([
    ['the at sign and the dots, decimal', 'jean&#46;dupont&#64;exemple&#46;fr'],
    ['the at sign, decimal', 'jean.dupont&#64;exemple.fr'],
    ['the at sign, hexadecimal', 'jean.dupont&#x40;exemple.fr'],
    ['the at sign, hexadecimal with a capital X', 'jean.dupont&#X40;exemple.fr'],
    ['the dots, hexadecimal, capital and small digits', 'jean&#x2E;dupont@exemple&#x2e;fr'],
    ['leading zeros', 'jean&#0046;dupont&#000064;exemple&#x00002E;fr'],
    ['named references', 'jean&period;dupont&commat;exemple&period;fr'],
    ['named and numeric mixed', 'jean&#46;dupont&commat;exemple&#x2E;fr'],
    ['with a percent escape too', 'jean%2Edupont&#64;exemple&#46;fr'],
  ])('%s: %s', (_what, value) => {
    expect(found(`Écrire à ${value} merci.`)).toEqual([['EMAIL', value]]);
  });

  test('in an HTML attribute, the address alone', () => {
    expect(found('<a href="mailto:jean&#46;dupont&#64;exemple&#46;fr">écrire</a>')).toEqual([['EMAIL', 'jean&#46;dupont&#64;exemple&#46;fr']]);
  });

  test.each([
    ['a reference to another character', 'jean.dupont&#65;exemple.fr'],
    ['a hexadecimal reference to another character', 'jean.dupont&#x41;exemple.fr'],
    ['a named reference to another character', 'jean.dupont&amp;exemple.fr'],
    ['the at sign without its semicolon', 'jean.dupont&#64exemple.fr'],
    ['the named at sign without its semicolon', 'jean.dupont&commatexemple.fr'],
    ['the at sign with seven digits', 'jean.dupont&#0000064;exemple.fr'],
    ['a hexadecimal reference with no digits', 'jean.dupont&#x;exemple.fr'],
    ['a named reference in capitals (names are case-sensitive)', 'jean.dupont&COMMAT;exemple.fr'],
    ['the ampersand itself encoded', 'jean.dupont&amp;#64;exemple.fr'],
    ['an at sign encoded with no domain', 'jean&#64; et rien'],
  ])('still nothing: %s', (_what, text) => {
    expect(found(`Écrire à ${text} merci.`).filter(([type]) => type === 'EMAIL')).toEqual([]);
  });

  test('other references are left as they are: what is found around them maps back as written', () => {
    const text = 'Dupont &amp; fils &#233;crit &#x41; jean.dupont@exemple.fr &lt;ici&gt;';
    expect(found(text)).toEqual([['EMAIL', 'jean.dupont@exemple.fr']]);
  });
});

describe('a NIR written digit by digit', () => {
  test.each([
    ['with its key, spaces', 'Assuré : 1 8 5 0 5 7 8 0 0 6 0 8 4 9 1.', '1 8 5 0 5 7 8 0 0 6 0 8 4 9 1'],
    ['with its key, dots', 'Assuré : 1.8.5.0.5.7.8.0.0.6.0.8.4.9.1 fin', '1.8.5.0.5.7.8.0.0.6.0.8.4.9.1'],
    ['with its key, in no context', 'Voici 1 8 5 0 5 7 8 0 0 6 0 8 4 9 1 pour vous.', '1 8 5 0 5 7 8 0 0 6 0 8 4 9 1'],
    ['Corsica (2A), with its key', 'Assurée : 2 5 3 0 7 2 A 0 7 3 0 0 4 4 3.', '2 5 3 0 7 2 A 0 7 3 0 0 4 4 3'],
    ['without its key, after a word of the NIR', 'N° de sécurité sociale : 1 8 5 0 5 7 8 0 0 6 0 8 4.', '1 8 5 0 5 7 8 0 0 6 0 8 4'],
  ])('%s', (_what, text, value) => {
    expect(found(text)).toEqual([['NIR', value]]);
  });

  test.each([
    ['a wrong key', 'Assuré : 1 8 5 0 5 7 8 0 0 6 0 8 4 9 2.'],
    ['a wrong key, dots', 'Assuré : 1.8.5.0.5.7.8.0.0.6.0.8.4.9.0 fin'],
    ['a digit more after the key', 'Assuré : 1 8 5 0 5 7 8 0 0 6 0 8 4 9 1 7.'],
    ['a digit before', 'Assuré : 3 1 8 5 0 5 7 8 0 0 6 0 8 4 9 1.'],
    ['two kinds of separators', 'Assuré : 1 8 5 0 5 7 8.0.0.6.0.8.4.9.1.'],
    ['without its key, in no context', 'Le lot 1 8 5 0 5 7 8 0 0 6 0 8 4 est parti.'],
    ['without its key, an order number', 'Commande n° 1 8 5 0 5 7 8 0 0 6 0 8 4 expédiée.'],
    ['without its key, an impossible month', 'NIR 1 8 5 1 3 7 8 0 0 6 0 8 4 fin'],
  ])('not a NIR: %s', (_what, text) => {
    expect(found(text).filter(([type]) => type === 'NIR')).toEqual([]);
  });
});

/** The findings that touch [start, end), as [type, start, end]. */
const touching = (text: string, start: number, end: number): [PiiType, number, number][] =>
  scan(text)
    .filter((finding) => finding.end > start && finding.start < end)
    .map((finding) => [finding.type, finding.start, finding.end]);

test.each([
  ['an address with HTML character references in random places and spellings', 'EMAIL', htmlReferenceEmailArb],
  ['a NIR with its key, digit by digit', 'NIR', fc.tuple(nirArb, fc.constantFrom(' ', '.', '-')).map(([value, separator]) => digitByDigit(value, separator))],
] as const)('%s is found whole', (_what, type, identifier) => {
  fc.assert(
    fc.property(inText(identifier), ({ text, start, end }) => {
      expect(touching(text, start, end)).toEqual([[type, start, end]]);
    }),
    { numRuns: 500 },
  );
});

test('a NIR without its key, digit by digit, is found after a word of the NIR', () => {
  fc.assert(
    fc.property(nirArb, fc.constantFrom('N° de sécurité sociale : ', 'NIR ', "numéro d'assuré ", 'carte Vitale n° '), (value, words) => {
      const written = digitByDigit(value.slice(0, 13));
      const text = `${words}${written}, merci.`;
      expect(touching(text, words.length, words.length + written.length)).toEqual([['NIR', words.length, words.length + written.length]]);
    }),
  );
});

describe('near misses', () => {
  test('an address whose at sign is a reference to another character, or lacks its semicolon, is not found', () => {
    const wrong = fc.constantFrom('&#65;', '&#x41;', '&#63;', '&#x3F;', '&#640;', '&#64', '&#x40', '&commat', '&amp;', '&#0000064;', '&Commat;');
    fc.assert(
      fc.property(htmlReferenceEmailArb, wrong, (email, at) => {
        const text = `Écrire à ${email.replace(/&commat;|&#[xX]?0*(?:64|40);/, '@').replace('@', at)} merci.`;
        expect(scan(text).filter((finding) => finding.type === 'EMAIL')).toEqual([]);
      }),
    );
  });

  test('a NIR digit by digit with another key is not found', () => {
    fc.assert(
      fc.property(nirArb, fc.integer({ min: 1, max: 96 }), fc.constantFrom(' ', '.', '-'), (value, shift, separator) => {
        const key = String(((Number(value.slice(13)) - 1 + shift) % 97) + 1).padStart(2, '0');
        expect(scan(`Assuré : ${digitByDigit(value.slice(0, 13) + key, separator)}.`).filter((finding) => finding.type === 'NIR')).toEqual([]);
      }),
    );
  });
});
