// The residual check: what the engine finds in the runtime's input is counted by type, the texts are
// left as they are, and a scan that fails is counted apart without refusing anything. Positive
// control: a recogniser that finds something in a placeholder-only text is counted; then the real
// engine over the real pseudonymised output finds nothing.
import { ServiceMetrics } from '@gardien/observability';
import { PiiScanner, type Candidate, type PiiRecogniser, type ScanInput } from '@gardien/pii';
import { PseudonymiseStage } from './stages/pseudonymise.stage.js';
import { ResidualIdentifiers } from './residual-identifiers.js';

const CHAT = { kind: 'chat', streamed: false } as const;

/** Finds every placeholder as an EMAIL: what a leak would look like to the counter. */
class EveryPlaceholder implements PiiRecogniser {
  readonly name = 'every-placeholder';
  *find(input: ScanInput): Iterable<Candidate> {
    for (const match of input.text.matchAll(/<[A-Z_]+_\d+>/g)) yield { type: 'EMAIL', start: match.index, end: match.index + match[0].length, score: 1 };
  }
}

class Failing implements PiiRecogniser {
  readonly name = 'failing';
  find(): Iterable<Candidate> {
    throw new Error('boom');
  }
}

async function series(metrics: ServiceMetrics, name: string): Promise<Record<string, number>> {
  const metric = await metrics.registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((value) => [String(Object.values(value.labels).find((label) => label !== 'llm-gateway') ?? ''), value.value]));
}

test('positive control: a recogniser that finds something in a placeholder-only text is counted, by type, and the texts are left as they are', async () => {
  const metrics = new ServiceMetrics('llm-gateway');
  const residual = new ResidualIdentifiers(new PiiScanner([new EveryPlaceholder()]), metrics);
  const texts = Object.freeze(['Écrire à <EMAIL_1>.', 'Rappeler <PHONE_1> puis <EMAIL_1>.']);
  expect(residual.check(CHAT, texts)).toBe(3);
  expect(texts).toEqual(['Écrire à <EMAIL_1>.', 'Rappeler <PHONE_1> puis <EMAIL_1>.']);
  expect((await series(metrics, 'gardien_llm_residual_identifiers_total')).EMAIL).toBe(3);
  expect((await series(metrics, 'gardien_llm_residual_checks_total')).chat).toBe(1);
});

test('the real engine over real pseudonymised output: the identifiers were there before, none is left', async () => {
  const scanner = new PiiScanner();
  const prompt = [
    'Dossier 2024-117 de Mme Camille Martin : écrire à camille.martin@exemple.fr ou au 06 12 34 56 78.',
    "Remboursement sur l'IBAN FR76 3000 6000 0112 3456 7890 189, NIR 2 95 10 99 126 111 93.",
  ];
  const findings = prompt.map((text) => scanner.scan(text));
  // The control: the engine finds every kind planted in the clear text.
  expect(new Set(findings.flat().map((finding) => finding.type))).toEqual(new Set(['PERSON', 'EMAIL', 'PHONE', 'IBAN', 'NIR']));
  const pseudonymised = new PseudonymiseStage().run(prompt, findings);
  expect(pseudonymised.texts.join('\n')).toContain('<EMAIL_1>');

  const metrics = new ServiceMetrics('llm-gateway');
  const residual = new ResidualIdentifiers(scanner, metrics);
  expect(residual.check({ kind: 'chat', streamed: true }, pseudonymised.texts)).toBe(0);
  expect(residual.check({ kind: 'embeddings', streamed: false }, pseudonymised.texts)).toBe(0);
  const found = await series(metrics, 'gardien_llm_residual_identifiers_total');
  expect(Object.values(found).every((value) => value === 0)).toBe(true);
  expect(Object.keys(found)).toEqual(expect.arrayContaining(['EMAIL', 'PHONE', 'IBAN', 'NIR', 'PERSON']));
  expect(await series(metrics, 'gardien_llm_residual_checks_total')).toMatchObject({ chat: 0, chat_stream: 1, embeddings: 1 });
});

test('a scan that fails is counted as a failure, not as a check, and throws nothing', async () => {
  const metrics = new ServiceMetrics('llm-gateway');
  const residual = new ResidualIdentifiers(new PiiScanner([new EveryPlaceholder(), new Failing()]), metrics);
  expect(() => residual.check(CHAT, ['<EMAIL_1>'])).not.toThrow();
  expect((await series(metrics, 'gardien_llm_residual_check_failures_total')).chat).toBe(1);
  expect((await series(metrics, 'gardien_llm_residual_checks_total')).chat).toBe(0);
  expect((await series(metrics, 'gardien_llm_residual_identifiers_total')).EMAIL).toBe(0);
});
