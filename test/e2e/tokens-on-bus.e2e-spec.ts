// Rule 3: every service verifies the caller's token itself. Tokens that are forged, expired,
// signed by another key, or `alg: none`, sent straight onto NATS (no edge in between) to each
// service, are refused with UNAUTHENTICATED. The services fetch the key set from auth: a refusal
// rather than UNAVAILABLE shows that they could.
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import {
  audienceOf,
  AUTH_OPERATIONS,
  BUS_SERVICES,
  BusClient,
  ErrorCode,
  serviceOperations,
  TOKEN_ISSUER,
  type BusService,
  type GardienError,
} from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

const prefix = testDatabasePrefix();
let nats: PrivateNats;
let platform: PlatformProcesses;
let connection: NatsConnection;
let bus: BusClient;

beforeAll(async () => {
  nats = await PrivateNats.start();
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, services: [...BUS_SERVICES] });
  connection = await connect({ servers: nats.url });
  bus = new BusClient(connection);
});

afterAll(async () => {
  await connection?.close();
  await platform?.dispose();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

const claims = { tid: '7f1d1e6e-5a7b-4a8e-9a51-0d1f6f2b9c11', kind: 'user', roles: ['tenant_admin'], mfa: true };

/** Tokens that must be refused, each aimed at the service under test (its own audience). */
async function forgedTokens(service: BusService): Promise<Record<string, string | undefined>> {
  const audience = audienceOf(service);
  const jwks = await bus.call(AUTH_OPERATIONS.jwks, {}, { requestId: randomUUID() });
  expect(jwks.keys.length).toBeGreaterThan(0);
  const realKid = jwks.keys[0]!.kid;
  const { privateKey: attackerKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const signed = (kid: string, exp: string | number) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(audience)
      .setSubject('attacker')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(attackerKey);
  return {
    missing: undefined,
    garbage: 'eyJhbGciOiJFZERTQSJ9.garbage.garbage',
    'alg none': new UnsecuredJWT({ ...claims }).setIssuer(TOKEN_ISSUER).setAudience(audience).setSubject('attacker').setExpirationTime('10m').encode(),
    'signed by another key, real kid': await signed(realKid, '10m'),
    'signed by another key, unknown kid': await signed('not-a-gardien-key', '10m'),
    'expired, real kid': await signed(realKid, Math.floor(Date.now() / 1000) - 60),
  };
}

test('every service refuses forged, expired, foreign-key and alg-none tokens sent directly on NATS', async () => {
  const outcomes: Record<string, string> = {};
  for (const service of BUS_SERVICES) {
    for (const [name, token] of Object.entries(await forgedTokens(service))) {
      outcomes[`${service}: ${name}`] = await bus
        .call(serviceOperations(service).whoami, {}, { requestId: randomUUID(), ...(token ? { token } : {}) })
        .then(
          () => 'accepted',
          (error: GardienError) => error.code,
        );
    }
  }
  const expected = Object.fromEntries(Object.keys(outcomes).map((key) => [key, ErrorCode.Unauthenticated]));
  expect(outcomes).toEqual(expected);
});
