// Stage 5: every identifier found is replaced by its placeholder (`<EMAIL_1>`), the same value by
// the same placeholder across all messages of the call; the map lives in memory for this call
// alone. What reaches the runtime holds no identifier the PII engine found.
import { Injectable } from '@nestjs/common';
import type { Finding } from '@gardien/pii';
import { PlaceholderMap } from '../../pseudonymisation/placeholder-map.js';
import { Pseudonymiser } from '../../pseudonymisation/pseudonymiser.js';

export interface PseudonymisedTexts {
  texts: string[];
  map: PlaceholderMap;
  /** Identifiers replaced, by type. */
  replaced: Record<string, number>;
}

@Injectable()
export class PseudonymiseStage {
  run(texts: readonly string[], findings: readonly (readonly Finding[])[], map = new PlaceholderMap()): PseudonymisedTexts {
    const pseudonymiser = new Pseudonymiser(map);
    const replaced: Record<string, number> = {};
    const out = texts.map((text, i) => {
      const result = pseudonymiser.pseudonymise(text, findings[i] ?? []);
      for (const [type, count] of Object.entries(result.counts)) replaced[type] = (replaced[type] ?? 0) + count;
      return result.text;
    });
    return { texts: out, map, replaced };
  }
}
