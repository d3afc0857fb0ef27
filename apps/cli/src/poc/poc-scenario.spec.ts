// The scenario generator: the same seed gives the same scenario, another seed another one; every
// identifier it plants is valid by its own rules (checked here again, independently of the
// generator) and is found, with its type, by the PII engine the gateway uses.
import { IbanRecogniser, PiiScanner, defaultRecognisers } from '@gardien/pii';
import { SeededRandom, frenchIban, frenchMobile, frenchNir } from './fictitious-identifiers.js';
import { buildScenario, fitToContext, missedByEngine, textsOf, type ScenarioText } from './poc-scenario.js';

const SIZES = { documents: 12, retrieval_chats: 20, plain_chats: 20, streamed_chats: 20 };

/** ISO 13616: moved round, letters as 10..35, the number is 1 mod 97. */
function ibanHolds(printed: string): boolean {
  const iban = printed.replace(/ /g, '');
  const moved = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  return /^FR\d{25}$/.test(iban) && BigInt(moved) % 97n === 1n;
}

/** The RIB key: bank, branch, account and key, as one number, divisible by 97. */
const ribHolds = (printed: string): boolean => BigInt(printed.replace(/ /g, '').slice(4)) % 97n === 0n;

/** The NIR's key is 97 minus its first 13 digits mod 97. */
function nirHolds(printed: string): boolean {
  const digits = printed.replace(/ /g, '');
  return /^[12]\d{14}$/.test(digits) && 97n - (BigInt(digits.slice(0, 13)) % 97n) === BigInt(digits.slice(13));
}

test('the same seed gives the same scenario; another seed another one', () => {
  expect(buildScenario(42, SIZES)).toEqual(buildScenario(42, SIZES));
  expect(buildScenario(43, SIZES).documents[0]!.text).not.toBe(buildScenario(42, SIZES).documents[0]!.text);
  const scenario = buildScenario(42, SIZES);
  expect(scenario.documents).toHaveLength(12);
  expect([scenario.retrievalChats.length, scenario.plainChats.length, scenario.streamedChats.length]).toEqual([20, 20, 20]);
  expect(new Set(scenario.documents.map((document) => document.reference)).size).toBe(12);
});

test('the identifiers are valid by their own rules', () => {
  const random = new SeededRandom(7);
  for (let i = 0; i < 500; i++) {
    const iban = frenchIban(random);
    expect(ibanHolds(iban)).toBe(true);
    expect(ribHolds(iban)).toBe(true);
    expect(nirHolds(frenchNir(random, (1 + (i % 2)) as 1 | 2))).toBe(true);
    expect(frenchMobile(random)).toMatch(/^0[67] \d\d \d\d \d\d \d\d$/);
  }
});

test.each([
  [42, false],
  [20261207, false],
  [9, false],
  [42, true],
  [20261207, true],
])('seed %i (compact: %s): every identifier planted is found by the PII engine, with its type', (seed, compact) => {
  const scanner = new PiiScanner();
  const missed: string[] = [];
  for (const { text, planted } of textsOf(buildScenario(seed, SIZES, { compact }))) {
    expect(planted.length).toBeGreaterThan(0);
    const findings = scanner.scan(text);
    for (const identifier of planted) {
      expect(text).toContain(identifier.value);
      const found = findings.some((finding) => finding.type === identifier.type && finding.text.includes(identifier.value));
      if (!found) missed.push(`${identifier.type} in: ${text}`);
    }
  }
  expect(missed).toEqual([]);
  expect(missedByEngine(buildScenario(seed, SIZES, { compact }), scanner)).toEqual({ total: expect.any(Number), missed: [] });
});

test('positive control of the run’s own check: an engine without the IBAN recogniser misses every IBAN planted, and says so by type only', () => {
  const scenario = buildScenario(42, SIZES);
  const withoutIban = new PiiScanner(defaultRecognisers().filter((recogniser) => recogniser.name !== new IbanRecogniser().name));
  const { total, missed } = missedByEngine(scenario, withoutIban);
  const ibans = textsOf(scenario).flatMap((text) => text.planted).filter((identifier) => identifier.type === 'IBAN').length;
  expect(ibans).toBeGreaterThan(12);
  expect(missed).toEqual(Array.from({ length: ibans }, () => 'IBAN'));
  expect(total).toBe(textsOf(scenario).reduce((sum, text) => sum + text.planted.length, 0));
});

test('the documents are dossiers in French, each about one person with all five kinds of identifier', () => {
  for (const document of buildScenario(42, SIZES).documents) {
    expect(document.text).toMatch(/^Dossier \d{4}-\d{3} \(/);
    expect(document.planted.map((identifier) => identifier.type)).toEqual(['PERSON', 'EMAIL', 'PHONE', 'IBAN', 'NIR']);
  }
});

test('a small context (the demo model’s 512 tokens) gets one-line dossiers and one chunk per question; a large one the config’s', () => {
  expect(fitToContext(512, 3)).toEqual({ compact: true, topK: 1 });
  expect(fitToContext(8_192, 3)).toEqual({ compact: false, topK: 3 });
  const compact = buildScenario(42, SIZES, { compact: true });
  // What the demo model reads, in tokens (a character, a byte beyond ASCII): the gateway's header of
  // the excerpts (about 230), one dossier and the question, their identifiers as placeholders; some room left to answer.
  const pseudonymised = (text: ScenarioText) => Buffer.byteLength(text.planted.reduce((out, identifier) => out.replaceAll(identifier.value, `<${identifier.type}_1>`), text.text));
  const longest = (texts: ScenarioText[]) => Math.max(...texts.map(pseudonymised));
  expect(240 + longest(compact.documents) + longest(compact.retrievalChats)).toBeLessThan(512 - 32);
  expect(compact.documents.map((document) => document.planted)).toEqual(buildScenario(42, SIZES).documents.map((document) => document.planted));
});
