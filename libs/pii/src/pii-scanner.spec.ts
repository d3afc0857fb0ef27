// The engine: findings as the gateway will read them, overlaps settled the same way every time, and
// a recogniser that fails makes the scan fail (so that the caller can refuse the request).
import type { Candidate, PiiRecogniser } from './finding.js';
import { PiiScanError, PiiScanner, defaultRecognisers, scan } from './pii-scanner.js';

const fixed = (name: string, candidates: Candidate[]): PiiRecogniser => ({ name, find: () => candidates });

test('a letter with one of each: types, offsets in UTF-16 code units, text', () => {
  const text =
    '😀 Bonjour Julie,\nM. Jean Dupont, né le 12/05/1985, jean.dupont@orange.fr, 06 12 34 56 78, ' +
    'IBAN FR76 3000 6000 0112 3456 7890 189, carte 4111 1111 1111 1111, IP 192.168.1.10, ' +
    'NIR 2 95 10 99 126 111 93, SIRET 732 829 320 00074, SIREN 732829320, 12 bis rue de la Paix, 75002 Paris.';
  const findings = scan(text);
  expect(findings.map(({ type, text: found }) => [type, found])).toEqual([
    ['PERSON', 'Julie'],
    ['PERSON', 'Jean Dupont'],
    ['DATE_OF_BIRTH', '12/05/1985'],
    ['EMAIL', 'jean.dupont@orange.fr'],
    ['PHONE', '06 12 34 56 78'],
    ['IBAN', 'FR76 3000 6000 0112 3456 7890 189'],
    ['CARD', '4111 1111 1111 1111'],
    ['IP', '192.168.1.10'],
    ['NIR', '2 95 10 99 126 111 93'],
    ['SIRET', '732 829 320 00074'],
    ['SIREN', '732829320'],
    ['ADDRESS', '12 bis rue de la Paix, 75002 Paris'],
  ]);
  for (const finding of findings) expect(text.slice(finding.start, finding.end)).toBe(finding.text);
  expect(findings[0]!.start).toBe('😀 Bonjour '.length);
});

test('overlaps: the highest score wins, then the longest, whatever the order of the recognisers', () => {
  const a = fixed('a', [{ type: 'SIREN', start: 0, end: 9, score: 0.9 }]);
  const b = fixed('b', [{ type: 'SIRET', start: 0, end: 14, score: 0.9 }]);
  const c = fixed('c', [{ type: 'PHONE', start: 10, end: 20, score: 0.95 }]);
  const text = '0123456789 0123456789';
  for (const order of [[a, b, c], [c, b, a], [b, a, c]]) {
    expect(new PiiScanner(order).scan(text).map((f) => [f.type, f.start, f.end])).toEqual([['SIREN', 0, 9], ['PHONE', 10, 20]]);
  }
  expect(new PiiScanner([a, b]).scan(text).map((f) => f.type)).toEqual(['SIRET']);
});

test('a tie in score and length goes to the first span, then to the type name', () => {
  const both = fixed('x', [
    { type: 'PHONE', start: 2, end: 6, score: 0.5 },
    { type: 'CARD', start: 0, end: 4, score: 0.5 },
    { type: 'IP', start: 0, end: 4, score: 0.5 },
  ]);
  expect(new PiiScanner([both]).scan('abcdefgh').map((f) => [f.type, f.start])).toEqual([['CARD', 0]]);
});

test('a street named after someone is an address, not a person', () => {
  expect(scan('Écrire avenue Jean Jaurès\n34000 Montpellier.').map(({ type, text }) => [type, text])).toEqual([['ADDRESS', 'avenue Jean Jaurès\n34000 Montpellier']]);
});

test('recognisers read the text normalised; their spans come back as spans of the text as written', () => {
  const seen: string[] = [];
  const reader: PiiRecogniser = {
    name: 'reader',
    find: (input) => {
      seen.push(input.text);
      return [{ type: 'EMAIL', start: 0, end: input.text.indexOf(' '), score: 1 }];
    },
  };
  const text = 'ｊ\u200Bean@x.fr ok';
  expect(new PiiScanner([reader]).scan(text)).toEqual([{ type: 'EMAIL', start: 0, end: 'ｊ\u200Bean@x.fr'.length, text: 'ｊ\u200Bean@x.fr', score: 1 }]);
  expect(seen).toEqual(['jean@x.fr ok']);
});

test('two findings that meet inside one character folded into several stay apart: the first keeps it', () => {
  // "\uFB01" (the ligature fi) is read "fi": one finding ends on its f, the next starts on its i.
  const halves = fixed('halves', [
    { type: 'PERSON', start: 0, end: 2, score: 0.9 },
    { type: 'ADDRESS', start: 2, end: 4, score: 0.9 },
  ]);
  expect(new PiiScanner([halves]).scan('a\uFB01bc').map((f) => [f.type, f.start, f.end])).toEqual([
    ['PERSON', 0, 2],
    ['ADDRESS', 2, 3],
  ]);
});

test('the recognisers are the ones given: none, none found', () => {
  expect(new PiiScanner([]).scan('jean.dupont@orange.fr')).toEqual([]);
});

test('a recogniser that throws fails the scan, naming itself and not the text', () => {
  const broken: PiiRecogniser = {
    name: 'broken',
    find: () => {
      throw new Error('boom on jean.dupont@orange.fr');
    },
  };
  const scanner = new PiiScanner([...defaultRecognisers(), broken]);
  expect(() => scanner.scan('écrire à jean.dupont@orange.fr')).toThrow(PiiScanError);
  try {
    scanner.scan('écrire à jean.dupont@orange.fr');
  } catch (error) {
    expect(error).toMatchObject({ code: 'recogniser_failed', recogniser: 'broken' });
    expect((error as Error).message).not.toContain('orange');
  }
});

test('a recogniser that throws while iterating fails the scan too', () => {
  const lazy: PiiRecogniser = {
    name: 'lazy',
    *find() {
      yield { type: 'EMAIL', start: 0, end: 1, score: 1 };
      throw new Error('late');
    },
  };
  expect(() => new PiiScanner([lazy]).scan('abc')).toThrow(expect.objectContaining({ code: 'recogniser_failed', recogniser: 'lazy' }) as Error);
});

test.each([
  ['past the end', { type: 'EMAIL', start: 0, end: 99, score: 1 }],
  ['empty', { type: 'EMAIL', start: 1, end: 1, score: 1 }],
  ['a fractional offset', { type: 'EMAIL', start: 0.5, end: 2, score: 1 }],
  ['a score over 1', { type: 'EMAIL', start: 0, end: 2, score: 2 }],
  ['an unknown type', { type: 'SECRET', start: 0, end: 2, score: 1 }],
] as const)('a span %s fails the scan', (_what, candidate) => {
  expect(() => new PiiScanner([fixed('bad', [candidate as unknown as Candidate])]).scan('abc')).toThrow(expect.objectContaining({ code: 'invalid_candidate' }) as Error);
});
