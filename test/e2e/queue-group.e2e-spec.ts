// Replicas of a service share its requests: two processes of one service join the same NATS
// queue group (the service name), and each request is answered by exactly one of them.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BusClient, serviceOperations } from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

const prefix = testDatabasePrefix();
let platform: PlatformProcesses;
let nats: PrivateNats;
let connection: NatsConnection;

beforeAll(async () => {
  nats = await PrivateNats.start();
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, services: ['tenant'] });
  await platform.launch('tenant', 'tenant-replica');
  connection = await connect({ servers: nats.url });
});

afterAll(async () => {
  await connection?.close();
  await platform?.dispose();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

test('two instances of the tenant service share its requests, each answered once', async () => {
  const bus = new BusClient(connection);
  const requests = 200;
  const answeredBy = new Map<string, number>();
  let replies = 0;
  for (let i = 0; i < requests; i++) {
    const report = await bus.call(serviceOperations('tenant').health, {}, { requestId: `qg-${i}` });
    replies++;
    answeredBy.set(report.instance, (answeredBy.get(report.instance) ?? 0) + 1);
  }
  expect(replies).toBe(requests);
  expect([...answeredBy.keys()].sort()).toEqual(['tenant', 'tenant-replica']);
  for (const count of answeredBy.values()) expect(count).toBeGreaterThan(requests * 0.2);
});
