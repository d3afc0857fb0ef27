// Prompt-injection detection on untrusted text (a user's prompt, a retrieved document): a score in
// [0, 1] from the scored rules of injection-rules.ts, the delimiter rules of role-markers.ts and
// instructions hidden in base64, compared with a threshold. The guard only judges; whether a
// suspicious prompt is blocked or flagged is the tenant's choice, applied by the caller. A verdict
// names rules, never the text that matched, so it can be logged and audited as it is.
//
// A retrieved document is judged more strictly (inspectRetrieved): a document has no reason to
// write a role marker, a chat-template token or a pseudo-tag, nor to address the model reading it
// (addressed-to-model.ts), so each of those weighs 1 there and decides alone, whatever the threshold.
//
// Linear in the length of the text, whatever it holds: no regular expression runs on the text but
// single-character classes, and every detector reads each character a bounded number of times.
import { ADDRESSED_TO_MODEL_RULE, ADDRESSED_TO_MODEL_RULES, COLON_WORD } from './addressed-to-model.js';
import { decodedBase64Texts } from './encoded-instructions.js';
import { detectionWords, foldForDetection } from './detection-text.js';
import { INJECTION_RULES } from './injection-rules.js';
import { ROLE_MARKER_RULES, roleMarkers } from './role-markers.js';
import { WordSequenceMatcher } from './word-sequence.matcher.js';

export const ENCODED_INSTRUCTIONS_RULE = 'encoded.instructions';

const DETECTOR_WEIGHTS: Readonly<Record<string, number>> = {
  [ROLE_MARKER_RULES.chatTemplate]: 0.6,
  [ROLE_MARKER_RULES.roleTag]: 0.45,
  [ROLE_MARKER_RULES.roleHeader]: 0.5,
  [ROLE_MARKER_RULES.roleLine]: 0.3,
  // Read in retrieved text only, where they decide alone.
  [ROLE_MARKER_RULES.instructionHeader]: 1,
  [ROLE_MARKER_RULES.instructionTag]: 1,
  [ADDRESSED_TO_MODEL_RULE]: 1,
  [ENCODED_INSTRUCTIONS_RULE]: 0.7,
};

/** In retrieved text, what decides alone: every delimiter rule, and a document that addresses the model. */
const RETRIEVED_DISQUALIFYING = new Set<string>([...Object.values(ROLE_MARKER_RULES), ADDRESSED_TO_MODEL_RULE]);

/** Line breaks that folding would make spaces: in a retrieved document they start a line as `\n` does. */
const OTHER_LINE_BREAKS = /[\u0085\u2028\u2029]/gu;

export const DEFAULT_INJECTION_THRESHOLD = 0.5;

export interface InjectionVerdict {
  /** 1 - the product of (1 - weight) over the rules found: each rule is independent evidence. */
  readonly score: number;
  readonly threshold: number;
  /** score ≥ threshold (in retrieved text, a disqualifying rule weighs 1). */
  readonly suspicious: boolean;
  /** The ids of the rules found, sorted. */
  readonly ruleIds: readonly string[];
}

export interface PromptInjectionGuardOptions {
  /** In (0, 1]; DEFAULT_INJECTION_THRESHOLD when absent. */
  readonly threshold?: number;
}

export class PromptInjectionGuard {
  private readonly threshold: number;
  private readonly matcher = new WordSequenceMatcher(INJECTION_RULES);
  private readonly addressMatcher = new WordSequenceMatcher(ADDRESSED_TO_MODEL_RULES);
  private readonly weights = new Map<string, number>([...INJECTION_RULES.map((rule) => [rule.id, rule.weight] as const), ...Object.entries(DETECTOR_WEIGHTS)]);

  constructor(options: PromptInjectionGuardOptions = {}) {
    const threshold = options.threshold ?? DEFAULT_INJECTION_THRESHOLD;
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError('the prompt-injection threshold must be in (0, 1]');
    this.threshold = threshold;
  }

  /** Text of the caller's (a message of any role). */
  inspect(text: string): InjectionVerdict {
    return this.verdict(text, false);
  }

  /** A retrieved chunk: the caller's rules, and those only a document is judged by, each of which decides alone. */
  inspectRetrieved(text: string): InjectionVerdict {
    return this.verdict(text, true);
  }

  private verdict(text: string, retrieved: boolean): InjectionVerdict {
    const found = this.rulesIn(text, retrieved);
    for (const decoded of decodedBase64Texts(text)) {
      const hidden = this.rulesIn(decoded, retrieved);
      if (hidden.size === 0) continue;
      found.add(ENCODED_INSTRUCTIONS_RULE);
      for (const id of hidden) found.add(id);
    }
    const ruleIds = [...found].sort();
    const weight = (id: string) => (retrieved && RETRIEVED_DISQUALIFYING.has(id) ? 1 : this.weights.get(id)!);
    const score = Math.round((1 - ruleIds.reduce((doubt, id) => doubt * (1 - weight(id)), 1)) * 10_000) / 10_000;
    return { score, threshold: this.threshold, suspicious: score >= this.threshold, ruleIds };
  }

  private rulesIn(text: string, retrieved: boolean): Set<string> {
    const folded = foldForDetection(retrieved ? text.replace(OTHER_LINE_BREAKS, '\n') : text);
    const { words, squashed } = detectionWords(folded);
    const found = this.matcher.match(words);
    for (const rule of INJECTION_RULES) if (rule.squashed?.some((phrase) => squashed.includes(phrase))) found.add(rule.id);
    for (const id of roleMarkers(folded, retrieved)) found.add(id);
    if (retrieved) for (const id of this.addressMatcher.match(detectionWords(folded.replaceAll(':', ` ${COLON_WORD} `)).words)) found.add(id);
    return found;
  }
}
