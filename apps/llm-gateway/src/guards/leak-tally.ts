// Identifiers in clear in a model's answer. The answer is scanned as the model wrote it, before
// re-identification: every identifier of the input reached the model as a placeholder, so whatever
// the PII engine finds in the answer did not come from the input in clear, and is a leak (from the
// model's weights, or made up). The tally counts findings per type, for the output policy and the
// audit entry, and keeps nothing of their text.
import type { Finding } from '../pseudonymisation/pii-finding.js';

export interface LeakReport {
  readonly total: number;
  readonly byType: Readonly<Record<string, number>>;
}

export class LeakTally {
  private readonly counts = new Map<string, number>();
  private count = 0;

  static of(findings: readonly Finding[]): LeakReport {
    const tally = new LeakTally();
    tally.add(findings);
    return tally.report;
  }

  add(findings: readonly Finding[]): void {
    for (const { type } of findings) this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    this.count += findings.length;
  }

  get report(): LeakReport {
    return { total: this.count, byType: Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  }
}
