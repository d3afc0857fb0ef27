// Identifiers written so that a reader (or a model) still reads them while a scan of the text as
// written would miss them: an IBAN in lower case or with dashes; invisible characters, full-width
// forms, Cyrillic and Greek look-alikes inside emails, phone numbers and the numbers with check digits;
// addresses with letters of other scripts or written apart ("jeanne [at] exemple.fr"), phone numbers
// in the other layouts people type (06 1234 5678, 06/12/34/56/78, 33612345678, 0 6 1 2 3 4 5 6 7 8).
// Each is found, and its finding covers every character of it as written, the invisible ones included,
// so that replacing the finding leaves nothing of it for the model. Hard negatives stay negative.
import fc from 'fast-check';
import type { Finding, PiiType } from './finding.js';
import { scan } from './pii-scanner.js';
import {
  cardArb,
  emailArb,
  frenchPhoneLayoutArb,
  grouped,
  groupedMixed,
  ibanArb,
  inText,
  ipv4Arb,
  nirArb,
  printedNir,
  sirenArb,
  siretArb,
  spacedDotEmailArb,
  spelledEmailArb,
  unevenFrenchPhoneArb,
  unicodeEmailArb,
  wrongIbanCheck,
  wrongLastDigit,
} from './testing/identifiers.js';
import { obfuscated, type Disguise } from './testing/obfuscation.js';

const found = (text: string): [PiiType, string][] => scan(text).map((finding) => [finding.type, finding.text]);

/** The text with each finding replaced by `<TYPE>`, as the gateway replaces it (with a numbered placeholder). */
function redacted(text: string, findings: readonly Finding[]): string {
  let result = '';
  let from = 0;
  for (const finding of findings) {
    result += `${text.slice(from, finding.start)}<${finding.type}>`;
    from = finding.end;
  }
  return result + text.slice(from);
}

/** What a reader sees of a text: compatibility forms folded, invisible characters left out. */
const visible = (text: string): string => text.normalize('NFKC').replace(/\p{Default_Ignorable_Code_Point}/gu, '');

describe('an IBAN in another case or with dashes', () => {
  test.each([
    ['lower case', 'fr76 3000 6000 0112 3456 7890 189'],
    ['mixed case', 'Fr76 3000 6000 0112 3456 7890 189'],
    ['lower case, compact', 'fr7630006000011234567890189'],
    ['the letters of the BBAN in lower case', 'gb82 west 1234 5698 7654 32'],
    ['dashes between the groups', 'FR76-3000-6000-0112-3456-7890-189'],
    ['lower case and dashes', 'nl91-abna-0417-1643-00'],
    ['dashes and spaces mixed', 'FR76-3000 6000-0112 3456-7890 189'],
    ['spaces and one dash', 'FR76 3000 6000 0112-3456 7890 189'],
  ])('%s: %s', (_what, value) => {
    expect(found(`IBAN : ${value}, merci`)).toEqual([['IBAN', value]]);
  });

  test.each([
    ['lower case, a wrong checksum', 'fr77 3000 6000 0112 3456 7890 189'],
    ['dashes, a wrong checksum', 'FR77-3000-6000-0112-3456-7890-189'],
    ['dashes and spaces mixed, a wrong checksum', 'FR77-3000 6000-0112 3456-7890 189'],
    ['two dashes in a row', 'FR76--3000--6000--0112--3456--7890--189'],
    ['a dash and a space in a row', 'FR76- 3000 6000 0112 3456 7890 189'],
  ])('still not an IBAN: %s', (_what, value) => {
    expect(found(`IBAN : ${value}, merci`).filter(([type]) => type === 'IBAN')).toEqual([]);
  });
});

describe('what a security review found passing (2026-12-03)', () => {
  test.each([
    ['an address with an accented local part', 'andré@exemple.fr', 'EMAIL'],
    ['an internationalised domain', 'contact@société-générale.fr', 'EMAIL'],
    ['spaces around the at sign', 'jeanne @ exemple.fr', 'EMAIL'],
    ['[at]', 'jeanne[at]exemple.fr', 'EMAIL'],
    ['(at), spaced', 'jeanne (at) exemple.fr', 'EMAIL'],
    ['arobase and point', 'jeanne arobase exemple point fr', 'EMAIL'],
    ['a phone number in 2-4-4', '06 1234 5678', 'PHONE'],
    ['a phone number with slashes', '06/12/34/56/78', 'PHONE'],
    ['a phone number with 33 and no plus', '33612345678', 'PHONE'],
    ['an IBAN with spaces and dashes', 'FR76 3000-6000 0112-3456 7890-189', 'IBAN'],
  ] as const)('%s: %s', (_what, value, type) => {
    expect(found(`Contact : ${value}, merci.`)).toEqual([[type, value]]);
  });

  test.each([
    ['an at sign in a sentence', 'Rendez-vous @ 14h devant la gare.'],
    ['an at sign before a country code in a sentence', 'Je suis @ Paris. Il fait beau.'],
    ['a matrix product', 'y = x @ w.T'],
    ['[at] before no domain', 'le signe [at] remplace @'],
    ['"arobase" in a sentence', "L'arobase se dit at en anglais."],
    ['an RPPS number, 33 and a landline', 'Médecin traitant, RPPS 33421709409'],
    ['an RPPS number, 33 and a mobile', 'Médecin traitant, RPPS 33612345678'],
    ['a date with slashes', 'le 06/12/2024'],
    ['2-4-4 outside the plan', '04 0123 4567'],
  ])('still nothing: %s', (_what, text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('invisible characters inside an email and a phone number', () => {
  test.each([
    ['zero-width space', '\u200B'],
    ['zero-width non-joiner', '\u200C'],
    ['zero-width joiner', '\u200D'],
    ['word joiner', '\u2060'],
    ['byte order mark', '\uFEFF'],
    ['soft hyphen', '\u00AD'],
  ])('%s', (_what, char) => {
    const email = `jean.du${char}pont@ora${char}nge${char}.fr`;
    const phone = `06${char} 12 3${char}4 56 ${char}78`;
    const text = `Écrire à ${email} ou appeler le ${phone}.`;
    expect(found(text)).toEqual([
      ['EMAIL', email],
      ['PHONE', phone],
    ]);
  });
});

describe('full-width forms', () => {
  test.each([
    ['an email', 'ｊｅａｎ＠ｅｘａｍｐｌｅ．ｆｒ', 'EMAIL'],
    ['an email with the at sign alone full width', 'jean＠example.fr', 'EMAIL'],
    ['a phone number', '０６ １２ ３４ ５６ ７８', 'PHONE'],
    ['a phone number with ideographic spaces', '０６\u3000１２\u3000３４\u3000５６\u3000７８', 'PHONE'],
    ['an international phone number', '＋３３ ６ １２ ３４ ５６ ７８', 'PHONE'],
    ['an IBAN', 'ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９', 'IBAN'],
    ['a NIR', '２ ９５ １０ ９９ １２６ １１１ ９３', 'NIR'],
    ['a SIRET', '７３２ ８２９ ３２０ ０００７４', 'SIRET'],
    ['a card', '４１１１ １１１１ １１１１ １１１１', 'CARD'],
    ['an IPv4 address', '１９２．１６８．１．１０', 'IP'],
  ] as const)('%s', (_what, value, type) => {
    expect(found(`voir ${value} merci`)).toEqual([[type, value]]);
  });
});

describe('Cyrillic and Greek look-alikes', () => {
  // Every one of these letters stands in both the local part and the domain.
  const address = 'experts.compta@exemple-paco.fr';
  test.each([
    ['Cyrillic а', 'a', '\u0430'],
    ['Cyrillic е', 'e', '\u0435'],
    ['Cyrillic о', 'o', '\u043E'],
    ['Cyrillic р', 'p', '\u0440'],
    ['Cyrillic с', 'c', '\u0441'],
    ['Cyrillic х', 'x', '\u0445'],
    ['Greek ο', 'o', '\u03BF'],
    ['Greek α', 'a', '\u03B1'],
  ])('%s in the local part, in the domain, in both', (_what, latin, glyph) => {
    const [local, domain] = address.split('@') as [string, string];
    for (const email of [`${local.replace(latin, glyph)}@${domain}`, `${local}@${domain.replace(latin, glyph)}`, `${local.replaceAll(latin, glyph)}@${domain.replaceAll(latin, glyph)}`]) {
      expect(found(`Contact : ${email}.`)).toEqual([['EMAIL', email]]);
    }
  });

  test('in the letters of an IBAN and of a Corsican NIR', () => {
    const iban = 'NL91 \u0391BN\u0410 0417 1643 00';
    const nir = '2 53 07 2\u0410 073 004 43';
    expect(found(`IBAN ${iban}, NIR ${nir}.`)).toEqual([
      ['IBAN', iban],
      ['NIR', nir],
    ]);
  });
});

describe('by extension', () => {
  test.each([
    ['an IBAN with zero-width spaces', 'FR76 3000\u200B 6000 0112 34\u200B56 7890 189', 'IBAN'],
    ['a SIREN with zero-width joiners', '732\u200D829\u200D320', 'SIREN'],
    ['a SIRET with a soft hyphen', '732 829 320 000\u00AD74', 'SIRET'],
    ['a card with word joiners', '4111 1111 11\u206011 1111', 'CARD'],
    ['an IPv4 address with a zero-width space', '192.168\u200B.1.10', 'IP'],
    ['an IPv6 address with a byte order mark', '2001:db8::\uFEFF1', 'IP'],
    ['a phone number with a bidirectional override', '06 12 \u202E34 56 78', 'PHONE'],
    ['a phone number with en spaces', '06\u200212\u200234\u200256\u200278', 'PHONE'],
    ['a phone number in Arabic-Indic digits', '\u0660\u0666 \u0661\u0662 \u0663\u0664 \u0665\u0666 \u0667\u0668', 'PHONE'],
    ['an email in mathematical bold letters', '\u{1D423}\u{1D41E}\u{1D41A}\u{1D427}@orange.fr', 'EMAIL'],
    ['an email underlined by combining low lines', 'j\u0332e\u0332a\u0332n\u0332@orange.fr', 'EMAIL'],
  ] as const)('%s', (_what, value, type) => {
    expect(found(`numéro ${value} fin`)).toEqual([[type, value]]);
  });
});

/** The validated types, generated valid, with the layouts people print them in and the disguises that leave them readable. */
const EVERY: readonly Disguise[] = ['as written', 'full width', 'homoglyph', 'other case'];
const NUMBERS: readonly Disguise[] = ['as written', 'full width', 'homoglyph'];
const dashed = (value: string, size: number): string => grouped(value, size).replaceAll(' ', '-');
const slashed = (value: string): string => grouped(value, 4).replaceAll(' ', ' / ');
const sirets = (value: string): string => `${grouped(value.slice(0, 9), 3)} ${value.slice(9)}`;

const VALIDATED: readonly [PiiType, fc.Arbitrary<string>, readonly Disguise[]][] = [
  ['EMAIL', emailArb, EVERY],
  ['EMAIL', unicodeEmailArb, EVERY],
  ['EMAIL', spelledEmailArb, EVERY],
  ['EMAIL', spacedDotEmailArb, EVERY],
  ['PHONE', frenchPhoneLayoutArb, NUMBERS],
  ['PHONE', unevenFrenchPhoneArb, NUMBERS],
  ['IBAN', fc.tuple(ibanArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 9 })).chain(([value, dashes]) => fc.constantFrom(value, grouped(value, 4), dashed(value, 4), groupedMixed(value, 4, dashes), slashed(value))), EVERY],
  ['NIR', nirArb.chain((value) => fc.constantFrom(value, printedNir(value))), NUMBERS],
  ['SIREN', sirenArb.chain((value) => fc.constantFrom(value, grouped(value, 3))), NUMBERS],
  ['SIRET', siretArb.chain((value) => fc.constantFrom(value, sirets(value))), NUMBERS],
  ['CARD', cardArb.chain((value) => fc.constantFrom(value, grouped(value, 4), dashed(value, 4))), NUMBERS],
  // 0.100.100.100 reads as a phone number (01 00 10 01 00) before an address of "this network", disguised or not.
  ['IP', ipv4Arb.filter((address) => !address.startsWith('0.')), NUMBERS],
  ['IP', fc.ipV6().filter((address) => address !== '::' && !address.endsWith(':') && !/(^|:)0\./.test(address)), EVERY],
];

test.each(VALIDATED)('%s, disguised, is found whole, and the redacted text holds none of its digits', (type, identifier, ways) => {
  fc.assert(
    fc.property(
      identifier.chain((plain) => inText(obfuscated(plain, ways)).map((placed) => ({ ...placed, plain }))),
      ({ text, start, end, plain }) => {
        const findings = scan(text);
        expect(findings.filter((finding) => finding.end > start && finding.start < end).map((finding) => [finding.type, finding.start, finding.end])).toEqual([[type, start, end]]);
        const left = visible(redacted(text, findings));
        for (const run of plain.match(/[0-9]+/g) ?? []) expect(left).not.toContain(run);
        expect(left).not.toMatch(/\p{Nd}/u);
      },
    ),
    { numRuns: 300 },
  );
});

const wrongNirKey = (value: string, shift: number): string => value.slice(0, -2) + String((Number(value.slice(-2)) + shift) % 97).padStart(2, '0');

/**
 * What the check digits of each type decide: the type is not found (a SIRET's nine first digits are
 * not a SIREN either). Other types may be: an IBAN of the wrong check can hold a Maestro number, a
 * number of 00 and digits is a phone number abroad, disguised or not.
 */
const CHECK_FAILING: readonly [string, PiiType[], fc.Arbitrary<string>, readonly Disguise[]][] = [
  [
    'IBAN',
    ['IBAN'],
    fc.tuple(ibanArb, fc.integer({ min: 1, max: 96 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 9 })).chain(([value, shift, dashes]) => {
      const wrong = wrongIbanCheck(value, shift);
      return fc.constantFrom(wrong, grouped(wrong, 4), dashed(wrong, 4), groupedMixed(wrong, 4, dashes), slashed(wrong));
    }),
    EVERY,
  ],
  ['NIR', ['NIR'], fc.tuple(nirArb, fc.integer({ min: 1, max: 96 })).chain(([value, shift]) => fc.constantFrom(wrongNirKey(value, shift), printedNir(wrongNirKey(value, shift)))), NUMBERS],
  ['SIREN', ['SIREN'], fc.tuple(sirenArb, fc.integer({ min: 1, max: 9 })).chain(([value, shift]) => fc.constantFrom(wrongLastDigit(value, shift), grouped(wrongLastDigit(value, shift), 3))), NUMBERS],
  ['SIRET', ['SIRET', 'SIREN'], fc.tuple(siretArb, fc.integer({ min: 1, max: 9 })).chain(([value, shift]) => fc.constantFrom(wrongLastDigit(value, shift), sirets(wrongLastDigit(value, shift)))), NUMBERS],
  ['CARD', ['CARD'], fc.tuple(cardArb, fc.integer({ min: 1, max: 9 })).chain(([value, shift]) => fc.constantFrom(wrongLastDigit(value, shift), grouped(wrongLastDigit(value, shift), 4))), NUMBERS],
  ['IPv4 with an octet over 255', ['IP'], fc.tuple(ipv4Arb, fc.integer({ min: 256, max: 999 })).map(([value, big]) => value.replace(/^\d+/, String(big))), NUMBERS],
];

test.each(CHECK_FAILING)('%s with failing check digits stays negative, disguised', (_what, types, identifier, ways) => {
  fc.assert(
    fc.property(
      identifier.chain((plain) => inText(obfuscated(plain, ways))),
      ({ text }) => {
        expect(scan(text).filter((finding) => types.includes(finding.type))).toEqual([]);
      },
    ),
    { numRuns: 300 },
  );
});
