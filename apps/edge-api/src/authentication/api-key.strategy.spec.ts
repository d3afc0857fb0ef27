// The API key strategy on its own, driven the way passport drives a strategy (a per-request
// object whose success/fail/error passport provides): the key comes from X-API-Key and from
// nowhere else, and the verify callback's answer decides.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EdgeCaller } from './edge-caller.js';
import { HeaderApiKeyStrategy, type VerifyApiKey } from './api-key.strategy.js';

const caller: EdgeCaller = {
  principal: { id: randomUUID(), tenantId: randomUUID(), kind: 'api_key', roles: ['service'], mfa: false, purposes: ['support'] },
  token: 'access-token',
  via: 'api-key',
};

type Outcome = { success: EdgeCaller } | { fail: true } | { error: unknown };

/** Runs the strategy once on a request, as passport does, and reports what it decided and which keys it verified. */
function run(request: { headers: IncomingHttpHeaders } & Record<string, unknown>, answer: Parameters<Parameters<VerifyApiKey>[1]>): {
  outcome: Outcome | undefined;
  verified: string[];
} {
  const verified: string[] = [];
  let outcome: Outcome | undefined;
  const strategy = Object.create(
    new HeaderApiKeyStrategy((key, done) => {
      verified.push(key);
      done(...answer);
    }),
  ) as HeaderApiKeyStrategy;
  strategy.success = (user) => void (outcome = { success: user as EdgeCaller });
  strategy.fail = () => void (outcome = { fail: true });
  strategy.error = (error) => void (outcome = { error });
  strategy.authenticate(request);
  return { outcome, verified };
}

test('the key in X-API-Key (Node gives header names in lower case) is verified and its caller is the result', () => {
  expect(run({ headers: { 'x-api-key': 'gk_live_abc' } }, [null, caller])).toEqual({ outcome: { success: caller }, verified: ['gk_live_abc'] });
});

test('no key, an empty key, or a key anywhere but the header fails without any verification', () => {
  const elsewhere = [
    { headers: {} },
    { headers: { 'x-api-key': '' } },
    { headers: { authorization: 'gk_live_abc' } },
    { headers: {}, query: { api_key: 'gk_live_abc', 'x-api-key': 'gk_live_abc' } },
    { headers: {}, body: { api_key: 'gk_live_abc', apiKey: 'gk_live_abc' } },
  ];
  for (const request of elsewhere) {
    expect(run(request, [null, caller])).toEqual({ outcome: { fail: true }, verified: [] });
  }
});

test('a key the verifier refuses fails; a verifier error stays an error (so its code reaches the caller)', () => {
  expect(run({ headers: { 'x-api-key': 'gk_live_unknown' } }, [null, false]).outcome).toEqual({ fail: true });
  const unavailable = new Error('auth unreachable');
  expect(run({ headers: { 'x-api-key': 'gk_live_abc' } }, [unavailable]).outcome).toEqual({ error: unavailable });
});
