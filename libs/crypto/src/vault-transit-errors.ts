// How Vault's answers become CryptoError codes. Vault answers errors as `{"errors": [...]}` with
// an HTTP status: 503 "Vault is sealed", 403 "permission denied", 404 on reading a missing key,
// and 400 with a message for everything a Transit key refuses (missing key, retired version,
// ciphertext that does not authenticate). No response at all (refused, reset, timed out) means
// the KMS is unreachable. Vault's own words are matched, never copied into our messages.
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';

const MISSING_KEY = [
  'encryption key not found',
  'key not found',
  'policy not found',
  'no existing key named',
  'could not delete key; not found',
];
const RETIRED = ['disallowed by policy (too old)'];
const UNDECRYPTABLE = ['message authentication failed', 'invalid ciphertext', 'version is too new'];

interface VaultAnswer {
  status: number;
  errors: string[];
}

/** The status and error list of a node-vault ApiResponseError, or undefined when no answer came. */
export function vaultAnswerOf(error: unknown): VaultAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const response = (error as { response?: { statusCode?: unknown; body?: unknown } }).response;
  if (!response || typeof response.statusCode !== 'number') return undefined;
  const body = response.body as { errors?: unknown } | undefined;
  const errors = Array.isArray(body?.errors) ? body.errors.filter((item): item is string => typeof item === 'string') : [];
  return { status: response.statusCode, errors };
}

export function mapVaultError(error: unknown, keyName: string): CryptoError {
  if (error instanceof CryptoError) return error;
  const answer = vaultAnswerOf(error);
  const details = { keyId: keyName };
  if (!answer) return new CryptoError(CryptoErrorCode.KmsUnavailable, `Vault unreachable while using transit key ${keyName}`, details);
  const says = (phrases: string[]): boolean => answer.errors.some((message) => phrases.some((phrase) => message.includes(phrase)));
  if (answer.status === 503 && says(['Vault is sealed'])) {
    return new CryptoError(CryptoErrorCode.KmsSealed, `Vault is sealed (transit key ${keyName})`, details);
  }
  if (answer.status >= 500 || answer.status === 429) {
    return new CryptoError(CryptoErrorCode.KmsUnavailable, `Vault unavailable (HTTP ${answer.status}) for transit key ${keyName}`, details);
  }
  if (answer.status === 403) {
    return new CryptoError(CryptoErrorCode.PermissionDenied, `Vault denied access to transit key ${keyName}`, details);
  }
  if (answer.status === 404 || (answer.status === 400 && says(MISSING_KEY))) {
    return new CryptoError(CryptoErrorCode.KeyNotFound, `transit key ${keyName} does not exist`, details);
  }
  if (answer.status === 400 && says(RETIRED)) {
    return new CryptoError(CryptoErrorCode.KeyVersionRetired, `data key was wrapped under a retired version of transit key ${keyName}`, details);
  }
  if (answer.status === 400 && says(UNDECRYPTABLE)) {
    return new CryptoError(CryptoErrorCode.DecryptionFailed, `data key was not wrapped under transit key ${keyName}`, details);
  }
  return new CryptoError(CryptoErrorCode.KmsRejected, `Vault refused a request on transit key ${keyName} (HTTP ${answer.status})`, details);
}
