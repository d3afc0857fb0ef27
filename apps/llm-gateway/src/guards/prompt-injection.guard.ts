// Prompt-injection detection on untrusted text (a user's prompt, a retrieved document): a score in
// [0, 1] from the scored rules of injection-rules.ts, the delimiter rules of role-markers.ts and
// instructions hidden in base64, compared with a threshold. The guard only judges; whether a
// suspicious prompt is blocked or flagged is the tenant's choice, applied by the caller. A verdict
// names rules, never the text that matched, so it can be logged and audited as it is.
//
// Linear in the length of the text, whatever it holds: no regular expression runs on the text but
// single-character classes, and every detector reads each character a bounded number of times.
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
  [ENCODED_INSTRUCTIONS_RULE]: 0.7,
};

export const DEFAULT_INJECTION_THRESHOLD = 0.5;

export interface InjectionVerdict {
  /** 1 - the product of (1 - weight) over the rules found: each rule is independent evidence. */
  readonly score: number;
  readonly threshold: number;
  /** score ≥ threshold. */
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
  private readonly weights = new Map<string, number>([...INJECTION_RULES.map((rule) => [rule.id, rule.weight] as const), ...Object.entries(DETECTOR_WEIGHTS)]);

  constructor(options: PromptInjectionGuardOptions = {}) {
    const threshold = options.threshold ?? DEFAULT_INJECTION_THRESHOLD;
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError('the prompt-injection threshold must be in (0, 1]');
    this.threshold = threshold;
  }

  inspect(text: string): InjectionVerdict {
    const found = this.rulesIn(text);
    for (const decoded of decodedBase64Texts(text)) {
      const hidden = this.rulesIn(decoded);
      if (hidden.size === 0) continue;
      found.add(ENCODED_INSTRUCTIONS_RULE);
      for (const id of hidden) found.add(id);
    }
    const ruleIds = [...found].sort();
    const score = Math.round((1 - ruleIds.reduce((doubt, id) => doubt * (1 - this.weights.get(id)!), 1)) * 10_000) / 10_000;
    return { score, threshold: this.threshold, suspicious: score >= this.threshold, ruleIds };
  }

  private rulesIn(text: string): Set<string> {
    const folded = foldForDetection(text);
    const { words, squashed } = detectionWords(folded);
    const found = this.matcher.match(words);
    for (const rule of INJECTION_RULES) if (rule.squashed?.some((phrase) => squashed.includes(phrase))) found.add(rule.id);
    for (const id of roleMarkers(folded)) found.add(id);
    return found;
  }
}
