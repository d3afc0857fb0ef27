// The bus call of `gardien bootstrap`: connect to NATS as the command line's own user (the only
// one allowed to publish the bootstrap subject), ask auth once, close.
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { BaseConfigSchema, loadConfig, natsConnectionOptions, type NatsSettings } from '@gardien/bootstrap';
import { AUTH_SUBJECTS, BootstrapResult, BusClient, CLI_USER, ErrorCode, GardienError, type BootstrapRequest } from '@gardien/contracts';

/** Hashing two passwords with argon2id (OWASP parameters) takes a while on a small server. */
export const BOOTSTRAP_TIMEOUT_MS = 30_000;

/** GARDIEN_NATS_URL, and the command line's credentials (GARDIEN_NATS_NKEY_SEED_FILE: cli.nk). */
const NatsSettingsSchema = BaseConfigSchema.pick({
  GARDIEN_NATS_URL: true,
  GARDIEN_NATS_USER: true,
  GARDIEN_NATS_PASSWORD: true,
  GARDIEN_NATS_NKEY_SEED: true,
});

/** Throws ConfigError naming the bad variables (never their values). */
export function loadNatsSettings(env: NodeJS.ProcessEnv): NatsSettings {
  return loadConfig(NatsSettingsSchema, env);
}

export async function requestBootstrap(request: BootstrapRequest, settings: NatsSettings, timeoutMs = BOOTSTRAP_TIMEOUT_MS): Promise<BootstrapResult> {
  const connection = await connectAsCli(settings);
  try {
    return await new BusClient(connection).request(AUTH_SUBJECTS.bootstrap, request, { requestId: randomUUID() }, BootstrapResult, { timeoutMs });
  } finally {
    await connection.close();
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
    throw new GardienError(ErrorCode.Unavailable, `cannot reach the bus at ${printableUrl(settings.GARDIEN_NATS_URL)}`);
  }
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
