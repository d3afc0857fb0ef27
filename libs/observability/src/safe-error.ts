// How an error appears in a log line. Messages of foreign errors can quote their input (a JSON
// parser quotes the text it could not read, a database quotes the duplicate key), so only the
// messages of our own error classes are kept (written by us, naming ids and variables, never
// values); for anything else, the name, code and stack frames.
import { GardienError } from '@gardien/contracts';

export interface SafeErrorFields {
  type: string;
  code?: string;
  message?: string;
  frames?: string[];
}

const MAX_FRAMES = 12;

/** Our error classes whose messages are written to be logged (libs/crypto, libs/bootstrap, libs/persistence). */
const OWN_ERRORS = new Set(['CryptoError', 'ConfigError', 'ProvisioningError']);

/** Marks fields already made safe, so that the logger's serializer leaves them as they are. */
const SAFE = Symbol.for('gardien.safe-error');

function branded(fields: SafeErrorFields): SafeErrorFields {
  Object.defineProperty(fields, SAFE, { value: true, enumerable: false });
  return fields;
}

export function safeError(error: unknown): SafeErrorFields {
  if (typeof error === 'object' && error !== null && SAFE in error) return error as unknown as SafeErrorFields;
  return branded(describe(error));
}

function describe(error: unknown): SafeErrorFields {
  if (error instanceof GardienError) {
    return { type: error.name, code: error.code, message: error.message };
  }
  if (!(error instanceof Error)) {
    return { type: typeof error };
  }
  const code = (error as { code?: unknown }).code;
  if (OWN_ERRORS.has(error.name)) {
    return { type: error.name, ...(typeof code === 'string' ? { code } : {}), message: error.message };
  }
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
