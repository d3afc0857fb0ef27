// The process's own NATS connection (for JetStream and outgoing requests), with reconnection
// forever: a service outlives a NATS restart.
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixOf, type BusUser } from '@gardien/contracts';
import type { BaseConfig } from './config.js';
import { natsTlsOptions } from './nats-tls.js';

/** What a NATS connection needs from the configuration (the command line has no more than this). */
export type NatsSettings = Pick<
  BaseConfig,
  'GARDIEN_NATS_URL' | 'GARDIEN_NATS_USER' | 'GARDIEN_NATS_PASSWORD' | 'GARDIEN_NATS_NKEY_SEED' | 'GARDIEN_NATS_TLS_CA' | 'GARDIEN_NATS_TLS_CERT' | 'GARDIEN_NATS_TLS_KEY'
>;

/**
 * Options of every NATS connection of a process: its own inbox prefix (the server lets it read
 * only those replies), its own credentials (an nkey, preferred, or a user and password), and,
 * when configured, mutual TLS (the bus's CA, the process's certificate and key). No async stack
 * traces: the client would otherwise build two errors (a stack capture each) for every request
 * it sends, in case it fails; a failure is told by its code, and each call is traced already.
 */
export function natsConnectionOptions(config: NatsSettings, user: BusUser, name: string) {
  const seed = config.GARDIEN_NATS_NKEY_SEED;
  const tls = natsTlsOptions(config);
  return {
    servers: config.GARDIEN_NATS_URL,
    name,
    inboxPrefix: inboxPrefixOf(user),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    noAsyncTraces: true,
    ...(seed ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) } : {}),
    ...(config.GARDIEN_NATS_USER ? { user: config.GARDIEN_NATS_USER } : {}),
    ...(config.GARDIEN_NATS_PASSWORD ? { pass: config.GARDIEN_NATS_PASSWORD } : {}),
    ...(tls ? { tls } : {}),
  };
}

export async function openBusConnection(config: NatsSettings, user: BusUser, name: string): Promise<NatsConnection> {
  return connect(natsConnectionOptions(config, user, name));
}
