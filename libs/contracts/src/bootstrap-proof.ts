// Proof that a bootstrap request comes from the operator command line: a signature with the CLI's
// own NATS nkey (cli.nk), which no service holds. The bus configuration denies the subject to every
// other user; the signature holds even where a server runs another configuration, and it tells auth
// who sent the request, which a subject cannot. Auth verifies the signature against the CLI's public key
// (GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY, written by `gardien nats-config` as cli.pub).
import { createHash } from 'node:crypto';
import { nkeys } from '@nats-io/transport-node';
import { isValidRequestId } from './headers.js';
import { AUTH_OPERATIONS } from './operations/auth.operations.js';

/** The public key (`U...`) of the nkey that signed the request. */
export const HEADER_BOOTSTRAP_SIGNER = 'Gardien-Bootstrap-Signer';
/** Ed25519 signature of the proof message, base64url. */
export const HEADER_BOOTSTRAP_SIGNATURE = 'Gardien-Bootstrap-Signature';

/**
 * 0xFF never occurs in UTF-8. The same nkey signs the server's nonce when the CLI connects to NATS;
 * starting the signed bytes with it means no nonce (a string, signed as UTF-8), whoever chose it,
 * can ever be a bootstrap proof.
 */
const DOMAIN_SEPARATOR = 0xff;

/**
 * The signed bytes: 0xFF, then `gardien.v1.auth.bootstrap\n<request id>\n<sha256 hex of the payload>`,
 * where the payload is serialised by JSON.stringify, exactly as it travels in the request packet
 * (auth re-serialises what it parsed, which gives back the same text).
 */
export function bootstrapProofMessage(requestId: string, payload: unknown): Uint8Array {
  const digest = createHash('sha256').update(JSON.stringify(payload), 'utf8').digest('hex');
  const text = new TextEncoder().encode(`${AUTH_OPERATIONS.bootstrap.subject}\n${requestId}\n${digest}`);
  const message = new Uint8Array(text.length + 1);
  message[0] = DOMAIN_SEPARATOR;
  message.set(text, 1);
  return message;
}

/** The headers that prove a bootstrap request was made by the holder of `seed` (an nkey user seed, `SU...`). */
export function signBootstrapRequest(seed: string, requestId: string, payload: unknown): Record<string, string> {
  const pair = nkeys.fromSeed(new TextEncoder().encode(seed));
  try {
    return {
      [HEADER_BOOTSTRAP_SIGNER]: pair.getPublicKey(),
      [HEADER_BOOTSTRAP_SIGNATURE]: Buffer.from(pair.sign(bootstrapProofMessage(requestId, payload))).toString('base64url'),
    };
  } finally {
    pair.clear();
  }
}

export interface BootstrapProofInput {
  /** The request id header as received (not replaced by a fresh one when absent or invalid). */
  requestId: string | undefined;
  payload: unknown;
  signer: string | undefined;
  signature: string | undefined;
}

/** Why a proof was refused: an id, safe to log. */
export type BootstrapProofRefusal = 'missing' | 'other_signer' | 'bad_signature';

/** Undefined when the request is signed by `expectedSigner`, else why it is not. */
export function checkBootstrapProof(expectedSigner: string, input: BootstrapProofInput): BootstrapProofRefusal | undefined {
  if (!input.signer || !input.signature || !isValidRequestId(input.requestId)) return 'missing';
  if (input.signer !== expectedSigner) return 'other_signer';
  try {
    const signature = Buffer.from(input.signature, 'base64url');
    return nkeys.fromPublic(expectedSigner).verify(bootstrapProofMessage(input.requestId, input.payload), signature) ? undefined : 'bad_signature';
  } catch {
    // A signature of the wrong size, or an expected key that is not one (refused at boot anyway).
    return 'bad_signature';
  }
}

/** An nkey user public key (`U...`, checksum included), as GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY must be. */
export function isUserPublicKey(value: string): boolean {
  if (!/^U[A-Z2-7]{55}$/.test(value)) return false;
  try {
    nkeys.fromPublic(value);
    return true;
  } catch {
    return false;
  }
}
