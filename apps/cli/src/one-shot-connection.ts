// The bus connection of a one-shot command (`gardien bootstrap`, `gardien provision`): as the
// command's own NATS user, without reconnecting: a server that is not there is said so at once.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsConnectionOptions, type NatsSettings } from '@gardien/bootstrap';
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
