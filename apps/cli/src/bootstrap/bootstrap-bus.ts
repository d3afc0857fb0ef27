// The bus call of `gardien bootstrap`: connect to NATS as the command line's own user (the only
// one allowed to publish the bootstrap subject), ask auth once, close. With its nkey seed (cli.nk),
// the request is also signed by it: the bus cannot stop a service from forging a bootstrap request
// (allow_responses), so auth, given the CLI's public key, accepts only signed ones.
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { BaseConfigSchema, ConfigError, checkNatsTls, loadConfig, natsConnectionOptions, natsTlsOptions, type NatsSettings } from '@gardien/bootstrap';
import {
  AUTH_OPERATIONS,
  type BootstrapResult,
  BusClient,
  CLI_USER,
  ErrorCode,
  GardienError,
  signBootstrapRequest,
  type BootstrapRequest,
} from '@gardien/contracts';

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
  const connection = await connectAsCli(settings);
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

/** A one-shot command does not wait for a server that went away: it says so and exits. */
async function connectAsCli(settings: NatsSettings) {
  try {
    return await connect({ ...natsConnectionOptions(settings, CLI_USER, 'gardien-cli'), reconnect: false });
  } catch (error) {
    if (error instanceof Error && error.name === 'AuthorizationError') {
      throw new GardienError(ErrorCode.Unauthenticated, 'the bus refused the command line’s credentials');
    }
    if (isTlsFailure(error, settings)) {
      throw new GardienError(
        ErrorCode.Unavailable,
        `no TLS session with the bus at ${printableUrl(settings.GARDIEN_NATS_URL)}: check GARDIEN_NATS_TLS_CA_FILE, GARDIEN_NATS_TLS_CERT_FILE and GARDIEN_NATS_TLS_KEY_FILE (cli.pem, cli-key.pem)`,
      );
    }
    throw new GardienError(ErrorCode.Unavailable, `cannot reach the bus at ${printableUrl(settings.GARDIEN_NATS_URL)}`);
  }
}

/**
 * The TLS handshake failed: a certificate refused on either side, or (with TLS configured) the
 * connection reset by a server that refused the handshake. Node's own errors, duck-typed.
 */
function isTlsFailure(error: unknown, settings: NatsSettings): boolean {
  const { message = '', code = '' } = (error ?? {}) as { message?: string; code?: string };
  if (/certificate|tls|ssl/i.test(`${message} ${code}`)) return true;
  return code === 'ECONNRESET' && natsTlsOptions(settings) !== undefined;
}

/** The server's address without any user or password the URL may carry. */
function printableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'GARDIEN_NATS_URL';
  }
}
