// The bus connection of a one-shot command (`gardien bootstrap`, `gardien provision`): as the
// command's own NATS user, without reconnecting: a server that is not there is said so at once.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsConnectionOptions, natsTlsOptions, type NatsSettings } from '@gardien/bootstrap';
import { ErrorCode, GardienError, type BusUser } from '@gardien/contracts';

export interface OneShotUser {
  user: BusUser;
  /** The connection's name, as the server shows it. */
  name: string;
  /** Who connects, for the message when the bus refuses its credentials ("command line"). */
  who: string;
}

export async function connectOnce(settings: NatsSettings, { user, name, who }: OneShotUser): Promise<NatsConnection> {
  try {
    return await connect({ ...natsConnectionOptions(settings, user, name), reconnect: false });
  } catch (error) {
    if (error instanceof Error && error.name === 'AuthorizationError') {
      throw new GardienError(ErrorCode.Unauthenticated, `the bus refused the ${who}’s credentials`);
    }
    if (isTlsFailure(error, settings)) {
      throw new GardienError(
        ErrorCode.Unavailable,
        `no TLS session with the bus at ${printableUrl(settings.GARDIEN_NATS_URL)}: check GARDIEN_NATS_TLS_CA_FILE, GARDIEN_NATS_TLS_CERT_FILE and GARDIEN_NATS_TLS_KEY_FILE (${user}.pem, ${user}-key.pem)`,
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
