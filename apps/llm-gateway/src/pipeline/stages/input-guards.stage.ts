// Stage 4: what the prompt holds. Every message (the system prompt included) and every stop
// sequence (which reaches the runtime too) is scanned for identifiers, which the next stage
// replaces; every message is checked for an attempt to manipulate the model (a system message
// may carry retrieved documents, an assistant message may be a forged turn), which the tenant's
// setting refuses (`block`) or lets through and counts (`flag`). Neither the
// findings nor the rules that matched ever leave this call.
import { Injectable } from '@nestjs/common';
import type { GuardSettings, LlmChatMessage } from '@gardien/contracts';
import { PiiScanner, type Finding } from '@gardien/pii';
import { PromptInjectionGuard } from '../../guards/prompt-injection.guard.js';
import { GatewayReason, gatewayError } from '../../llm-gateway.errors.js';

export interface InputInspection {
  /** The findings of each message, in the order of the messages. */
  findings: Finding[][];
  /** The findings of each stop sequence, in their order. */
  stopFindings: Finding[][];
  injectionFlagged: boolean;
}

@Injectable()
export class InputGuardsStage {
  constructor(
    private readonly scanner: PiiScanner,
    private readonly injection: PromptInjectionGuard,
  ) {}

  run(messages: readonly Pick<LlmChatMessage, 'role' | 'content'>[], guards: GuardSettings, stops: readonly string[] = []): InputInspection {
    const injection = messages.some((message) => this.injection.inspect(message.content).suspicious);
    if (injection && guards.injection === 'block') throw gatewayError(GatewayReason.PromptInjectionBlocked);
    return { findings: this.scan(messages.map((message) => message.content)), stopFindings: this.scan(stops), injectionFlagged: injection };
  }

  /** The findings of each text (what an embeddings call sends is scanned, not judged for injection: it instructs no model). */
  scan(texts: readonly string[]): Finding[][] {
    return texts.map((text) => this.scanner.scan(text));
  }
}
