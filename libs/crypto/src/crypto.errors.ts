// The one error class of libs/crypto. Callers branch on `code` (a string that may cross the bus),
// never on the message. Messages name a key id, a record id or a file, never a value, and no
// error carries the underlying library error as `cause` (an HTTP client's error holds request
// and response bodies, which may contain key material).
export enum CryptoErrorCode {
  /** The subject's data key was destroyed (crypto-shredded): its data can never be read again. */
  SubjectErased = 'SUBJECT_ERASED',
  /** The KMS could not be reached or did not answer in time; nothing was written. Retry later. */
  KmsUnavailable = 'KMS_UNAVAILABLE',
  /** Vault answered that it is sealed; an operator must unseal it. */
  KmsSealed = 'KMS_SEALED',
  /** The KMS refused this service's credentials or policy for this key. */
  PermissionDenied = 'PERMISSION_DENIED',
  /** The KMS answered with something this client does not expect (a bug or a misconfiguration). */
  KmsRejected = 'KMS_REJECTED',
  /** The tenant key (or data key) does not exist, or was destroyed. */
  KeyNotFound = 'KEY_NOT_FOUND',
  /** The value was wrapped under a key version that has been retired. */
  KeyVersionRetired = 'KEY_VERSION_RETIRED',
  /** The ciphertext is malformed, was tampered with, or was moved from another place or key. */
  DecryptionFailed = 'DECRYPTION_FAILED',
  /** The keystore file does not authenticate under the master key that opened its header. */
  KeystoreTampered = 'KEYSTORE_TAMPERED',
  /** The master key given is not the one the keystore was sealed with. */
  WrongMasterKey = 'WRONG_MASTER_KEY',
  /** The master key file is missing, unreadable, too open, or not 32 bytes of base64. */
  MasterKeyInvalid = 'MASTER_KEY_INVALID',
  /** An identifier (service, tenant, subject, record, column) is not acceptable. */
  InvalidArgument = 'INVALID_ARGUMENT',
}

export interface CryptoErrorDetails {
  keyId?: string;
  recordId?: string;
  file?: string;
}

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    readonly details: CryptoErrorDetails = {},
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}

export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
