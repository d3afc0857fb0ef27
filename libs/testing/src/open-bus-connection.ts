// A test's connection to an open development bus (no permissions, no nkeys) in the place of one
// process of the platform: with that process's inbox prefix, which is what each service reads to
// tell who may be asking (an operation reserved to the edge, the CLI or one service is dropped when
// its answer is asked for anywhere else). Over a generated configuration, only that process's own
// credentials get this far.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixOf, type BusUser } from '@gardien/contracts';

export function connectAs(url: string, user: BusUser): Promise<NatsConnection> {
  return connect({ servers: url, inboxPrefix: inboxPrefixOf(user), name: `test-as-${user}` });
}
