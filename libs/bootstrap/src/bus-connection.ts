// The process's own NATS connection (for JetStream and outgoing requests), with reconnection
// forever: a service outlives a NATS restart.
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixOf, type ServiceName } from '@gardien/contracts';
import type { BaseConfig } from './config.js';

/**
 * Options of every NATS connection of a service: its own inbox prefix (the server lets it read
 * only those replies), and its own credentials: an nkey (preferred) or a user and password.
 */
export function natsConnectionOptions(config: BaseConfig, service: ServiceName, name: string) {
  const seed = config.GARDIEN_NATS_NKEY_SEED;
  return {
    servers: config.GARDIEN_NATS_URL,
    name,
    inboxPrefix: inboxPrefixOf(service),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...(seed ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) } : {}),
    ...(config.GARDIEN_NATS_USER ? { user: config.GARDIEN_NATS_USER } : {}),
    ...(config.GARDIEN_NATS_PASSWORD ? { pass: config.GARDIEN_NATS_PASSWORD } : {}),
  };
}

export async function openBusConnection(config: BaseConfig, service: ServiceName, name: string): Promise<NatsConnection> {
  return connect(natsConnectionOptions(config, service, name));
}
