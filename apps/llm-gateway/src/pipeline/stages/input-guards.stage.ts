// Stage 4: what the prompt holds. Every message (the system prompt and the retrieved context
// included) and every stop sequence (which reaches the runtime too) is scanned for identifiers,
// which the next stage replaces. Every message of the caller is checked for an attempt to
// manipulate the model (an assistant message may be a forged turn), which the tenant's setting
// refuses (`block`) or lets through and counts (`flag`). Retrieved chunks are judged by the same
// detector, more strictly (a role marker, a template token, a pseudo-tag or an address to the model
// decides alone: PromptInjectionGuard.inspectRetrieved), each on its own and before they join the
// prompt (admitChunks): a flagged chunk is dropped, never refused, so that one stored document
// cannot deny every retrieval of its tenant;
// the message quoting the chunks kept is then not judged again as a whole. Neither the findings
// nor the rules that matched ever leave this call.
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

export interface AdmittedChunks<T> {
  /** The chunks that read as no injection, in their order: those the model is given. */
  kept: T[];
  /** The others, in their order: the model never sees them. */
  dropped: T[];
}

@Injectable()
export class InputGuardsStage {
  constructor(
    private readonly scanner: PiiScanner,
    private readonly injection: PromptInjectionGuard,
  ) {}

  /** `context`: where the message quoting the admitted chunks is, scanned for identifiers but not judged. */
  run(messages: readonly Pick<LlmChatMessage, 'role' | 'content'>[], guards: GuardSettings, stops: readonly string[] = [], context?: number): InputInspection {
    const injection = messages.some((message, index) => index !== context && this.injection.inspect(message.content).suspicious);
    if (injection && guards.injection === 'block') throw gatewayError(GatewayReason.PromptInjectionBlocked);
    return { findings: this.scan(messages.map((message) => message.content)), stopFindings: this.scan(stops), injectionFlagged: injection };
  }

  /** Each retrieved chunk judged alone, as a document (inspectRetrieved), whatever the tenant's setting: a document is no caller to refuse, and what reads as an injection is not given to the model. */
  admitChunks<T extends { readonly chunk: string }>(chunks: readonly T[]): AdmittedChunks<T> {
    const kept: T[] = [];
    const dropped: T[] = [];
    for (const chunk of chunks) (this.injection.inspectRetrieved(chunk.chunk).suspicious ? dropped : kept).push(chunk);
    return { kept, dropped };
  }

  /** The findings of each text (what an embeddings call sends is scanned, not judged for injection: it instructs no model). */
  scan(texts: readonly string[]): Finding[][] {
    return texts.map((text) => this.scanner.scan(text));
  }
}
