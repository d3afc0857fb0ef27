// How an error appears in a log line. Messages of foreign errors can quote their input (a JSON
// parser quotes the text it could not read, a database quotes the duplicate key), so only our own
// GardienError messages are kept; for anything else, the name, code and stack frames.
import { GardienError } from '@gardien/contracts';

export interface SafeErrorFields {
  type: string;
  code?: string;
  message?: string;
  frames?: string[];
}

const MAX_FRAMES = 12;

export function safeError(error: unknown): SafeErrorFields {
  if (error instanceof GardienError) {
    return { type: error.name, code: error.code, message: error.message };
  }
  if (!(error instanceof Error)) {
    return { type: typeof error };
  }
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    frames: stackFrames(error.stack),
  };
}

function stackFrames(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, MAX_FRAMES)
    .map((line) => line.trim());
}
