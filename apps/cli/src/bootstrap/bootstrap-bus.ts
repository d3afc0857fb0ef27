// The bus call of `gardien bootstrap`: connect to NATS as the command line's own user (the only
// one allowed to publish the bootstrap subject), ask auth once, close. With its nkey seed (cli.nk),
// the request is also signed by it: should a service reach the bootstrap subject despite the bus
// configuration, auth, given the CLI's public key, accepts only signed requests.
import { randomUUID } from 'node:crypto';
import { BaseConfigSchema, ConfigError, checkNatsTls, loadConfig, type NatsSettings } from '@gardien/bootstrap';
import { AUTH_OPERATIONS, BusClient, CLI_USER, signBootstrapRequest, type BootstrapRequest, type BootstrapResult } from '@gardien/contracts';
import { connectOnce } from '../one-shot-connection.js';

/** Hashing two passwords with argon2id (OWASP parameters) takes a while on a small server. */
export const BOOTSTRAP_TIMEOUT_MS = 30_000;

/**
 * GARDIEN_NATS_URL, the command line's credentials (GARDIEN_NATS_NKEY_SEED_FILE: cli.nk) and, on a
 * bus with TLS, the CA and the command line's own certificate (GARDIEN_NATS_TLS_*_FILE: ca.pem,
 * cli.pem, cli-key.pem).
 */
const NatsSettingsSchema = BaseConfigSchema.pick({
  GARDIEN_NATS_URL: true,
  GARDIEN_NATS_USER: true,
  GARDIEN_NATS_PASSWORD: true,
  GARDIEN_NATS_NKEY_SEED: true,
  GARDIEN_NATS_TLS_CA: true,
  GARDIEN_NATS_TLS_CERT: true,
  GARDIEN_NATS_TLS_KEY: true,
});

/** Throws ConfigError naming the bad variables (never their values). */
export function loadNatsSettings(env: NodeJS.ProcessEnv): NatsSettings {
  return loadConfig(NatsSettingsSchema, env, checkNatsTls);
}

export async function requestBootstrap(request: BootstrapRequest, settings: NatsSettings, timeoutMs = BOOTSTRAP_TIMEOUT_MS): Promise<BootstrapResult> {
  const requestId = randomUUID();
  const headers = proofHeaders(settings, requestId, request);
  const connection = await connectOnce(settings, { user: CLI_USER, name: 'gardien-cli', who: 'command line' });
  try {
    return await new BusClient(connection).call(AUTH_OPERATIONS.bootstrap, request, { requestId }, { timeoutMs, headers });
  } finally {
    await connection.close();
  }
}

/**
 * The signature of the request with the command line's nkey. Without a seed (a bus without
 * authentication, in development) the request goes unsigned: auth accepts that only when it was
 * not given the CLI's public key.
 */
function proofHeaders(settings: NatsSettings, requestId: string, request: BootstrapRequest): Record<string, string> {
  const seed = settings.GARDIEN_NATS_NKEY_SEED;
  if (!seed) return {};
  try {
    return signBootstrapRequest(seed, requestId, request);
  } catch {
    // Shaped like a seed but not one (its checksum is wrong): a configuration error, named, not echoed.
    throw new ConfigError(['GARDIEN_NATS_NKEY_SEED']);
  }
}
