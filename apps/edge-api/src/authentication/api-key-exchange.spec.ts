// The API key exchange: one bus call per key every 5 s at most, the key never kept in clear, a
// token never kept past its own life (which auth ends at the key's expiry), and refusals that
// say nothing about why.
import { AUTH_OPERATIONS, ErrorCode, GardienError, type BusClient, type BusOperation, type CallContext } from '@gardien/contracts';
import { ApiKeyExchange, cacheLifetimeMs } from './api-key-exchange.service.js';

interface Exchange {
  subject: string;
  payload: unknown;
  context: CallContext;
}

function fakeBus(answer: (key: string, count: number) => { access_token: string; expires_in: number } | GardienError) {
  const calls: Exchange[] = [];
  const bus = {
    async call(operation: BusOperation, payload: unknown, context: CallContext) {
      calls.push({ subject: operation.subject, payload, context });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const reply = answer((payload as { key: string }).key, calls.length);
      if (reply instanceof GardienError) throw reply;
      return operation.reply.parse(reply);
    },
  };
  return { bus: bus as unknown as BusClient, calls };
}

const KEY = 'gk_test_0123456789abcdef';

test('a token is reused until 30 s before it expires, and never longer than 5 s', () => {
  expect(cacheLifetimeMs(900)).toBe(5_000);
  expect(cacheLifetimeMs(120)).toBe(5_000);
  expect(cacheLifetimeMs(34)).toBe(4_000);
  expect(cacheLifetimeMs(30)).toBeLessThanOrEqual(0);
});

test('one exchange serves repeated and concurrent requests with the same key, until the cache ends', async () => {
  let now = 1_000_000;
  const { bus, calls } = fakeBus((_key, count) => ({ access_token: `token-${count}`, expires_in: 300 }));
  const exchange = new ApiKeyExchange(bus, () => now);
  const tokens = await Promise.all([exchange.accessTokenFor(KEY), exchange.accessTokenFor(KEY), exchange.accessTokenFor(KEY)]);
  expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
  now += 4_999;
  expect(await exchange.accessTokenFor(KEY)).toBe('token-1');
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatchObject({ subject: AUTH_OPERATIONS.exchangeApiKey.subject, payload: { key: KEY } });
  // The key is the credential: no access token travels with it.
  expect(calls[0]!.context.token).toBeUndefined();
  now += 2_000;
  expect(await exchange.accessTokenFor(KEY)).toBe('token-2');
  expect(await exchange.accessTokenFor(`${KEY}-other`)).toBe('token-3');
  expect(calls).toHaveLength(3);
});

test('a key revoked (or rotated, or its owner demoted) after its exchange is refused 5 s later at most', async () => {
  let now = 1_000_000;
  let revoked = false;
  const { bus, calls } = fakeBus((_key, count) => (revoked ? new GardienError(ErrorCode.Unauthenticated, 'invalid api key') : { access_token: `token-${count}`, expires_in: 120 }));
  const exchange = new ApiKeyExchange(bus, () => now);
  expect(await exchange.accessTokenFor(KEY)).toBe('token-1');
  revoked = true;
  now += 4_000;
  expect(await exchange.accessTokenFor(KEY)).toBe('token-1');
  now += 1_000;
  await expect(exchange.accessTokenFor(KEY)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  expect(calls).toHaveLength(2);
});

test('a key about to expire: its token, which auth ends at the key’s expiry, is kept 30 s short of it, then not at all', async () => {
  let now = 1_000_000;
  // The key expires at 1_035_000: auth answers tokens that end then.
  const keyExpiry = 1_035_000;
  const { bus, calls } = fakeBus((_key, count) => ({ access_token: `token-${count}`, expires_in: Math.floor((keyExpiry - now) / 1_000) }));
  const exchange = new ApiKeyExchange(bus, () => now);
  expect(await exchange.accessTokenFor(KEY)).toBe('token-1');
  now += 4_999;
  expect(await exchange.accessTokenFor(KEY)).toBe('token-1');
  now += 1;
  expect(await exchange.accessTokenFor(KEY)).toBe('token-2');
  expect(await exchange.accessTokenFor(KEY)).toBe('token-3');
  expect(calls).toHaveLength(3);
});

test('a token about to expire is used once and not kept', async () => {
  const { bus, calls } = fakeBus((_key, count) => ({ access_token: `token-${count}`, expires_in: 20 }));
  const exchange = new ApiKeyExchange(bus);
  expect(await exchange.accessTokenFor(KEY)).toBe('token-1');
  expect(await exchange.accessTokenFor(KEY)).toBe('token-2');
  expect(calls).toHaveLength(2);
});

test('a refused key is UNAUTHENTICATED whatever auth said, is not cached, and an oversized key never reaches the bus', async () => {
  const { bus, calls } = fakeBus(() => new GardienError(ErrorCode.Forbidden, 'key revoked'));
  const exchange = new ApiKeyExchange(bus);
  await expect(exchange.accessTokenFor(KEY)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  await expect(exchange.accessTokenFor(KEY)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  expect(calls).toHaveLength(2);
  await expect(exchange.accessTokenFor('k'.repeat(257))).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  await expect(exchange.accessTokenFor('')).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  expect(calls).toHaveLength(2);
});

test('an unreachable auth service is reported as such, not as a bad key', async () => {
  const { bus } = fakeBus(() => new GardienError(ErrorCode.Unavailable, 'the service is not available'));
  await expect(new ApiKeyExchange(bus).accessTokenFor(KEY)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
});
