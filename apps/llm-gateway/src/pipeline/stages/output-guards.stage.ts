// Stage 7: identifiers in the answer that the prompt did not hold. The model saw placeholders
// only, so an identifier written in clear in its answer comes from elsewhere (its training, an
// invention); one the PII engine missed in the prompt and the model repeated is not counted. The
// tenant's setting withholds such an answer (`block`) or lets it through and counts it (`flag`).
import { Injectable } from '@nestjs/common';
import type { GuardAction } from '@gardien/contracts';
import { PiiScanner } from '@gardien/pii';
import type { Finding } from '../../pseudonymisation/pii-finding.js';
import { StreamingLeakScanner } from '../../guards/streaming-leak.scanner.js';
import { GatewayReason, gatewayError } from '../../llm-gateway.errors.js';

export interface LeakReport {
  /** Identifiers in clear, by type. */
  leaked: Record<string, number>;
}

@Injectable()
export class OutputGuardsStage {
  constructor(private readonly scanner: PiiScanner) {}

  run(answer: string, prompt: readonly string[], action: GuardAction): LeakReport {
    const leaked: Record<string, number> = {};
    countLeaks(this.scanner.scan(answer), prompt, action, leaked);
    return { leaked };
  }

  /** For a streamed answer: each piece is released only once scanned (with what follows it), so that a leak is blocked before it leaves. */
  streaming(prompt: readonly string[], action: GuardAction): StreamingOutputGuard {
    return new StreamingOutputGuard(new StreamingLeakScanner((text) => this.scanner.scan(text)), prompt, action);
  }
}

export class StreamingOutputGuard implements LeakReport {
  readonly leaked: Record<string, number> = {};

  constructor(
    private readonly scanner: StreamingLeakScanner,
    private readonly prompt: readonly string[],
    private readonly action: GuardAction,
  ) {}

  /** What of the answer may leave now; OUTPUT_LEAK_BLOCKED before a leak would. */
  push(delta: string): string {
    const step = this.scanner.push(delta);
    countLeaks(step.findings, this.prompt, this.action, this.leaked);
    return step.release;
  }

  end(): string {
    const step = this.scanner.end();
    countLeaks(step.findings, this.prompt, this.action, this.leaked);
    return step.release;
  }
}

/** Adds the leaks among `findings` to `leaked`; refused when the tenant blocks leaks and there is one. */
function countLeaks(findings: readonly Finding[], prompt: readonly string[], action: GuardAction, leaked: Record<string, number>): void {
  for (const finding of findings) {
    // Repeated from the prompt (where the engine missed it): not a leak of the model's.
    if (prompt.some((text) => text.includes(finding.text))) continue;
    leaked[finding.type] = (leaked[finding.type] ?? 0) + 1;
  }
  if (action === 'block' && Object.keys(leaked).length > 0) throw gatewayError(GatewayReason.OutputLeakBlocked);
}
