// What both wire formats share: a finish reason named the same way (`stop`, `length`), and JSON
// read leniently so that the schema, not JSON.parse, refuses a bad line (as runtime_bad_response).
import type { FinishReason } from './model-runtime.port.js';

export function finishReasonOf(reason: string | null | undefined): FinishReason {
  if (reason === undefined || reason === null || reason === 'stop') return 'stop';
  return reason === 'length' ? 'length' : 'other';
}

/** The parsed value, or undefined when the text is not JSON (which every answer schema refuses). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
