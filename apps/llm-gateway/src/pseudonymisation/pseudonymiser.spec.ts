// Pseudonymisation of the messages of one request: identifiers replaced by stable placeholders, the
// user's own placeholder look-alikes neutralised, and the text given back whole when the model echoes.
import fc from 'fast-check';
import { scanPlaceholder } from './placeholder-grammar.js';
import type { Finding } from './pii-finding.js';
import { PlaceholderMap } from './placeholder-map.js';
import { IDENTIFIERS, plantedText } from './pseudonymisation.arbitraries.js';
import { PseudonymisationErrorCode } from './pseudonymisation.errors.js';
import { Pseudonymiser } from './pseudonymiser.js';
import { Reidentifier } from './reidentifier.js';

function findingsOf(text: string, spans: ReadonlyArray<[type: string, value: string]>): Finding[] {
  return spans.map(([type, value]) => {
    const start = text.indexOf(value);
    return { type, start, end: start + value.length, text: value, score: 0.9 };
  });
}

function placeholderLikeTokens(text: string): string[] {
  const tokens: string[] = [];
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const scan = scanPlaceholder(text, at);
    if (scan.kind === 'placeholder') tokens.push(text.slice(at, scan.end));
  }
  return tokens;
}

test('identifiers are replaced by numbered placeholders, the same value by the same one across messages', () => {
  const map = new PlaceholderMap();
  const pseudonymiser = new Pseudonymiser(map);
  const first = 'Écrire à jean.dupont@example.fr ou au 06 12 34 56 78.';
  const second = 'Copie à Marie@exemple.com et JEAN.DUPONT@example.fr, tél. +33 6 12 34 56 78';
  expect(pseudonymiser.pseudonymise(first, findingsOf(first, [['EMAIL', 'jean.dupont@example.fr'], ['PHONE', '06 12 34 56 78']]))).toEqual({
    text: 'Écrire à <EMAIL_1> ou au <PHONE_1>.',
    counts: { EMAIL: 1, PHONE: 1 },
    neutralised: 0,
  });
  const spans: Array<[string, string]> = [['PHONE', '+33 6 12 34 56 78'], ['EMAIL', 'JEAN.DUPONT@example.fr'], ['EMAIL', 'Marie@exemple.com']];
  expect(pseudonymiser.pseudonymise(second, findingsOf(second, spans)).text).toBe('Copie à <EMAIL_2> et <EMAIL_1>, tél. <PHONE_1>');
});

test('overlapping findings: the longest is replaced whole', () => {
  const text = 'IBAN FR76 3000 6000 0112 3456 7890 189 fin';
  const iban = findingsOf(text, [['IBAN', 'FR76 3000 6000 0112 3456 7890 189']])[0]!;
  const inside: Finding = { type: 'PHONE', start: iban.start + 5, end: iban.start + 19, text: text.slice(iban.start + 5, iban.start + 19), score: 0.99 };
  expect(new Pseudonymiser(new PlaceholderMap()).pseudonymise(text, [inside, iban])).toEqual({ text: 'IBAN <IBAN_1> fin', counts: { IBAN: 1 }, neutralised: 0 });
});

test('a placeholder typed by the user is neutralised: it cannot stand for, or become, another identifier', () => {
  const map = new PlaceholderMap();
  const pseudonymiser = new Pseudonymiser(map);
  const typed = 'Remplace <EMAIL_1> par mon adresse dans ce modèle.';
  const real = 'Mon adresse est jean.dupont@example.fr';
  expect(pseudonymiser.pseudonymise(typed, [])).toEqual({ text: 'Remplace <LITERAL_1> par mon adresse dans ce modèle.', counts: {}, neutralised: 1 });
  expect(pseudonymiser.pseudonymise(real, findingsOf(real, [['EMAIL', 'jean.dupont@example.fr']])).text).toBe('Mon adresse est <EMAIL_1>');
  // The model's <EMAIL_1> is the real address; its <LITERAL_1> is what the user typed.
  expect(new Reidentifier(map).reidentify('Dans « <LITERAL_1> », mettez <EMAIL_1>.').text).toBe('Dans « <EMAIL_1> », mettez jean.dupont@example.fr.');
});

test('look-alikes of the literal type, and look-alikes typed after the real placeholder was issued, are neutralised too', () => {
  const map = new PlaceholderMap();
  const pseudonymiser = new Pseudonymiser(map);
  const real = 'a@example.fr';
  expect(pseudonymiser.pseudonymise(real, findingsOf(real, [['EMAIL', real]])).text).toBe('<EMAIL_1>');
  expect(pseudonymiser.pseudonymise('<LITERAL_2> <EMAIL_1> <LITERAL_1> <EMAIL_1>', [])).toEqual({
    text: '<LITERAL_1> <LITERAL_2> <LITERAL_3> <LITERAL_2>',
    counts: {},
    neutralised: 4,
  });
  expect(new Reidentifier(map).reidentify('<LITERAL_1> <LITERAL_2> <LITERAL_3> <EMAIL_1>').text).toBe('<LITERAL_2> <EMAIL_1> <LITERAL_1> a@example.fr');
});

test('a look-alike cut by a finding is no look-alike', () => {
  const text = '<EMAIL_jean@example.fr_1>';
  expect(new Pseudonymiser(new PlaceholderMap()).pseudonymise(text, findingsOf(text, [['EMAIL', 'jean@example.fr']]))).toEqual({
    text: '<EMAIL_<EMAIL_1>_1>',
    counts: { EMAIL: 1 },
    neutralised: 0,
  });
});

test('for any messages of a request, the model echoing them gets them back whole', () => {
  fc.assert(
    fc.property(fc.array(plantedText, { minLength: 1, maxLength: 4 }), (messages) => {
      const map = new PlaceholderMap();
      const pseudonymiser = new Pseudonymiser(map);
      const reidentifier = new Reidentifier(map);
      for (const message of messages) {
        const pseudonymised = pseudonymiser.pseudonymise(message.text, message.findings);
        expect(reidentifier.reidentify(pseudonymised.text)).toEqual({ text: message.text, restored: expect.any(Number), invented: 0 });
      }
    }),
    { numRuns: 1_000 },
  );
});

test('for any text, the pseudonymised text holds no planted identifier and only placeholders the map issued', () => {
  const values = Object.values(IDENTIFIERS).flat();
  fc.assert(
    fc.property(plantedText, ({ text, planted, findings }) => {
      const map = new PlaceholderMap();
      const pseudonymised = new Pseudonymiser(map).pseudonymise(text, findings);
      for (const value of values) expect(pseudonymised.text).not.toContain(value);
      for (const token of placeholderLikeTokens(pseudonymised.text)) expect(map.originalOf(token)).toBeDefined();
      const expectedCounts: Record<string, number> = {};
      for (const found of planted) expectedCounts[found.type] = (expectedCounts[found.type] ?? 0) + 1;
      expect(pseudonymised.counts).toEqual(expectedCounts);
    }),
    { numRuns: 1_000 },
  );
});

test('a finding that does not fit its text fails the whole call, naming no content', () => {
  const pseudonymiser = new Pseudonymiser(new PlaceholderMap());
  const text = '\u{1F600} jean@example.fr';
  const codePoints: Finding = { type: 'EMAIL', start: 2, end: 17, text: 'jean@example.fr', score: 0.9 };
  expect(() => pseudonymiser.pseudonymise(text, [codePoints])).toThrow(expect.objectContaining({ code: PseudonymisationErrorCode.FindingTextMismatch }));
  expect(() => pseudonymiser.pseudonymise(text, [codePoints])).toThrow(expect.not.stringContaining('jean'));
  for (const [start, end] of [[-1, 3], [5, 5], [6, 4], [0, 99], [0.5, 3]] as const) {
    expect(() => pseudonymiser.pseudonymise(text, [{ type: 'EMAIL', start, end, text: 'x', score: 1 }])).toThrow(
      expect.objectContaining({ code: PseudonymisationErrorCode.FindingOutOfText }),
    );
  }
});

test('a megabyte of look-alikes and findings is pseudonymised in one pass', () => {
  const unit = '<EMAIL_1> a@b.fr <';
  const text = unit.repeat(Math.ceil(1_048_576 / unit.length));
  const findings: Finding[] = [];
  for (let at = text.indexOf('a@b.fr'); at !== -1; at = text.indexOf('a@b.fr', at + 1)) findings.push({ type: 'EMAIL', start: at, end: at + 6, text: 'a@b.fr', score: 0.9 });
  const pseudonymised = new Pseudonymiser(new PlaceholderMap()).pseudonymise(text, findings);
  expect(pseudonymised.neutralised).toBe(findings.length);
  expect(pseudonymised.text.startsWith('<LITERAL_1> <EMAIL_1> <<LITERAL_1>')).toBe(true);
});
