// The bus's TLS as every process sees it: the CA that issued the nats-server's certificate (the
// only one a process trusts for the bus), and the process's own client certificate and key, which
// the server demands (mutual TLS). They come from files, GARDIEN_NATS_TLS_{CA,CERT,KEY}_FILE,
// read once at boot like every other `_FILE` variable (renewed certificates take a restart), and
// are checked then: each parses, the key is the certificate's, nothing has expired, so a wrong file
// stops the process at once with the name of its variable instead of failing at every reconnect.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { TlsOptions } from '@nats-io/transport-node';
import { z } from 'zod';

const certificateOf = (pem: string): X509Certificate | undefined => {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
};

const isPrivateKey = (pem: string): boolean => {
  try {
    return createPrivateKey(pem).type === 'private';
  } catch {
    return false; // not a key, or an encrypted one: the process has no passphrase to give
  }
};

export const NatsTlsConfigShape = {
  /** The CA certificate(s) that issued the nats-server's certificate (PEM). */
  GARDIEN_NATS_TLS_CA: z.string().refine((pem) => certificateOf(pem)?.ca === true, 'not a PEM CA certificate').optional(),
  /** The process's client certificate (PEM), presented to the server. */
  GARDIEN_NATS_TLS_CERT: z.string().refine((pem) => certificateOf(pem) !== undefined, 'not a PEM certificate').optional(),
  /** The private key of that certificate (PEM, unencrypted): a secret, never printed. */
  GARDIEN_NATS_TLS_KEY: z.string().refine(isPrivateKey, 'not an unencrypted PEM private key').optional(),
};

export interface NatsTlsSettings {
  GARDIEN_NATS_TLS_CA?: string | undefined;
  GARDIEN_NATS_TLS_CERT?: string | undefined;
  GARDIEN_NATS_TLS_KEY?: string | undefined;
}

/** How operators give them: as files (the variables without `_FILE` take the PEM itself). */
export const NATS_TLS_FILE_VARIABLES = {
  ca: 'GARDIEN_NATS_TLS_CA_FILE',
  cert: 'GARDIEN_NATS_TLS_CERT_FILE',
  key: 'GARDIEN_NATS_TLS_KEY_FILE',
} as const;

/** A certificate and its key come together and belong together, and none of them has expired. */
export function checkNatsTls(config: NatsTlsSettings, context: z.RefinementCtx, now = Date.now()): void {
  const issue = (variable: string, message: string) => context.addIssue({ code: 'custom', path: [variable], message });
  const { GARDIEN_NATS_TLS_CA: ca, GARDIEN_NATS_TLS_CERT: cert, GARDIEN_NATS_TLS_KEY: key } = config;
  if (cert && !key) issue(NATS_TLS_FILE_VARIABLES.key, 'required with a client certificate');
  if (key && !cert) issue(NATS_TLS_FILE_VARIABLES.cert, 'required with a client key');
  const certificate = cert ? certificateOf(cert) : undefined;
  const authority = ca ? certificateOf(ca) : undefined;
  if (certificate && key && isPrivateKey(key) && !certificate.checkPrivateKey(createPrivateKey(key))) issue('GARDIEN_NATS_TLS_KEY', 'not the key of the certificate');
  if (certificate && expired(certificate, now)) issue('GARDIEN_NATS_TLS_CERT', 'expired');
  if (authority && expired(authority, now)) issue('GARDIEN_NATS_TLS_CA', 'expired');
}

const expired = (certificate: X509Certificate, now: number) => new Date(certificate.validTo).getTime() <= now;

/**
 * The client's TLS options: with any of them set, the client speaks TLS only (a server that offers
 * none is refused) and verifies the server's certificate against the CA and the URL's host name.
 */
export function natsTlsOptions(config: NatsTlsSettings): TlsOptions | undefined {
  const { GARDIEN_NATS_TLS_CA: ca, GARDIEN_NATS_TLS_CERT: cert, GARDIEN_NATS_TLS_KEY: key } = config;
  if (!ca && !cert && !key) return undefined;
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** What a log line may say about a certificate: which one it is, not its whole PEM. */
export function describeCertificate(pem: string): string {
  const certificate = certificateOf(pem);
  return certificate ? `[certificate sha256 ${certificate.fingerprint256}, valid to ${new Date(certificate.validTo).toISOString()}]` : '[set]';
}
