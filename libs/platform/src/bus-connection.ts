// The process's own NATS connection (for JetStream and outgoing requests), with reconnection
// forever: a service outlives a NATS restart.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { BaseConfig } from './config.js';

export function natsConnectionOptions(config: BaseConfig, name: string) {
  return {
    servers: config.GARDIEN_NATS_URL,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...(config.GARDIEN_NATS_USER ? { user: config.GARDIEN_NATS_USER } : {}),
    ...(config.GARDIEN_NATS_PASSWORD ? { pass: config.GARDIEN_NATS_PASSWORD } : {}),
  };
}

export async function openBusConnection(config: BaseConfig, name: string): Promise<NatsConnection> {
  return connect(natsConnectionOptions(config, name));
}
