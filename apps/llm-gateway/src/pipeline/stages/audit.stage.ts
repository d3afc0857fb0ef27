// Stage 10: one audit entry per call, answered or refused: who (the actor of the verified token),
// which tenant, model and purpose (as name-based uuids: audit entries take no free text), the
// decision and, when refused, the stage and reason; token counts, the kinds and counts of the
// identifiers replaced, what the guards flagged, the retrieved chunks used and those dropped (by
// ids, and why), and how long each stage took. Never any content.
import { Injectable } from '@nestjs/common';
import { UNLISTED_MODEL_REF, modelAuditRef, purposeAuditRef, type AuditEntry, type Caller } from '@gardien/contracts';
import { AuditRecorder, type AuditDetails } from '@gardien/persistence';
import type { StageName, StageTimings } from '../stage.js';

export type CallDecision = 'answered' | 'refused' | 'failed' | 'cancelled';

/** Why a retrieved chunk was not given to the model: it read as an injection, or it did not fit the model's context with the prompt. */
export type DroppedChunkReason = 'injection' | 'context-length';

/** What a retrieval gave the model: how many chunks, and those dropped, by ids and why. */
export interface RetrievalRecord {
  used: number;
  dropped: ReadonlyArray<{ documentId: string; chunkId: string; reason: DroppedChunkReason }>;
}

export interface CallRecord {
  kind: 'chat' | 'embeddings';
  /** Null for a caller of no tenant (refused at once): its entry goes to the platform's log. */
  tenantId: string | null;
  /** A model of the catalogue, or null for a name that is none (one reference for all such names). */
  model: string | null;
  purpose: string | null;
  subject: string | null;
  streamed: boolean;
  decision: CallDecision;
  /** For a call that did not end answered: the stage that ended it and its reason. */
  stage?: StageName;
  reason?: string;
  promptTokens: number;
  completionTokens: number;
  /** Identifiers replaced by placeholders, by type (EMAIL, PHONE...). */
  replaced: Readonly<Record<string, number>>;
  injectionFlagged: boolean;
  /** For a retrieval-augmented chat whose chunks were judged. */
  retrieval?: RetrievalRecord;
  leaked: Readonly<Record<string, number>>;
  inventedPlaceholders: number;
  timings: StageTimings;
}

const OUTCOME = { answered: 'success', cancelled: 'success', refused: 'denied', failed: 'failure' } as const;

/** `DATE_OF_BIRTH` -> `DateOfBirth`, for detail keys (letters only). */
const pascal = (type: string) => type.toLowerCase().replace(/(^|_)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase());
/** Codes and stage names as system names (lower-case letters and hyphens). */
const systemName = (code: string) => code.replaceAll('_', '-');

/** `A` for the first: detail keys are letters only, and a retrieval gives at most RETRIEVAL_MAX_CHUNKS (10) chunks. */
const letter = (index: number) => String.fromCharCode(65 + index);

/**
 * How many chunks the model was given, how many were dropped (of which how many for the context),
 * and each dropped one by its ids and reason (`droppedDocumentA`, `droppedChunkA`, `droppedReasonA`...).
 */
function retrievalDetails(retrieval: RetrievalRecord): Record<string, AuditDetails[string]> {
  const details: Record<string, AuditDetails[string]> = {
    retrievedChunks: retrieval.used,
    droppedChunks: retrieval.dropped.length,
    droppedForContextChunks: retrieval.dropped.filter((chunk) => chunk.reason === 'context-length').length,
    retrievalWithoutContext: retrieval.used === 0,
  };
  retrieval.dropped.forEach(({ documentId, chunkId, reason }, index) => {
    details[`droppedDocument${letter(index)}`] = documentId;
    details[`droppedChunk${letter(index)}`] = chunkId;
    details[`droppedReason${letter(index)}`] = reason;
  });
  return details;
}

@Injectable()
export class AuditStage {
  private readonly recorder = new AuditRecorder('llm-gateway');

  /** The call's entry, validated; CallSettlements writes it with the call's metering. */
  entry(caller: Caller, call: CallRecord): AuditEntry {
    const details: Record<string, AuditDetails[string]> = {
      decision: call.decision,
      streamed: call.streamed,
      promptTokens: call.promptTokens,
      completionTokens: call.completionTokens,
      injectionFlagged: call.injectionFlagged,
      inventedPlaceholders: call.inventedPlaceholders,
      ...call.timings.asDetails(),
    };
    if (call.purpose !== null && call.tenantId !== null) details.purpose = purposeAuditRef(call.tenantId, call.purpose);
    if (call.subject !== null) details.subject = call.subject;
    if (call.stage) details.stage = systemName(call.stage);
    if (call.reason) details.reason = systemName(call.reason);
    for (const [type, count] of Object.entries(call.replaced)) details[`replaced${pascal(type)}`] = count;
    for (const [type, count] of Object.entries(call.leaked)) details[`leaked${pascal(type)}`] = count;
    if (call.retrieval) Object.assign(details, retrievalDetails(call.retrieval));
    return this.recorder.entry(caller, {
      action: call.kind === 'chat' ? 'model.chat' : 'model.embeddings',
      tenantId: call.tenantId,
      targetId: call.model === null ? UNLISTED_MODEL_REF : modelAuditRef(call.model),
      outcome: OUTCOME[call.decision],
      details,
    });
  }
}
