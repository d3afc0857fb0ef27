// An Embedder for tests, in place of the gateway: vectors made from the words of each text (a
// bag of hashed words, so that a query finds the chunks that share its words), every call recorded,
// and faults on demand (a batch that fails, vectors of the wrong dimension, a gate to hold a batch).
import { createHash } from 'node:crypto';
import { GardienError, ErrorCode, type Caller } from '@gardien/contracts';
import { Embedder, checkedVectors, type EmbeddingCall, type EmbeddingSession } from '../documents/embedder.js';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';

export interface RecordedEmbedding {
  caller: string;
  token: string | undefined;
  model: string;
  purpose: string | undefined;
  texts: readonly string[];
}

export function wordVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const digest = createHash('sha256').update(word).digest();
    vector[digest.readUInt32BE(0) % dimensions]! += 1;
  }
  return vector;
}

export class FakeEmbedder extends Embedder {
  readonly calls: RecordedEmbedding[] = [];
  /** Fails the call of this index (0-based, across sessions) with this error. */
  failAt: { call: number; error: Error } | undefined;
  /** Answers vectors of this many dimensions instead of the space's. */
  wrongDimensions: number | undefined;
  /** While set, calls wait for it. */
  gate: Promise<void> | undefined;
  /** Models the gateway would not serve the caller (ensureServes refuses them). */
  readonly unserved = new Set<string>();

  async open(caller: Caller, token: string | undefined): Promise<EmbeddingSession> {
    if (caller.tenantId === null) throw new GardienError(ErrorCode.Forbidden, 'no tenant');
    return {
      embed: async (call: EmbeddingCall) => {
        const index = this.calls.length;
        this.calls.push({ caller: caller.principal.id, token, model: call.space.model, purpose: call.purpose, texts: call.texts });
        if (this.gate) await this.gate;
        if (this.failAt?.call === index) throw this.failAt.error;
        const dimensions = this.wrongDimensions ?? call.space.dimensions;
        return checkedVectors(call.texts.map((text) => wordVector(text, dimensions)), call.space, call.texts.length);
      },
      ensureServes: async (space) => {
        if (this.unserved.has(space.model)) throw vectorStoreError(VectorStoreReason.EmbeddingModelUnavailable);
      },
    };
  }
}
