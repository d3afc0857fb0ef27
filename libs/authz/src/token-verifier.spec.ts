// The verification every service applies to every caller's token.
import fc from 'fast-check';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { ErrorCode, TOKEN_ISSUER, audienceOf, type JsonWebKeySet } from '@gardien/contracts';

/** The verifiers under test are the tenant service's. */
const AUDIENCE = audienceOf('tenant');
import { TokenVerifier } from './token-verifier.js';

interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JsonWebKeySet['keys'][number];
}

async function makeKey(kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const { x } = await exportJWK(publicKey);
  return { kid, privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x: x!, kid, alg: 'EdDSA', use: 'sig' } };
}

const claims = { tid: '7f1d1e6e-5a7b-4a8e-9a51-0d1f6f2b9c11', kind: 'user', roles: ['developer'], mfa: false };

function sign(key: TestKey, overrides: { kid?: string; exp?: string | number; iss?: string; aud?: string; payload?: object } = {}) {
  return new SignJWT({ ...claims, ...overrides.payload })
    .setProtectedHeader({ alg: 'EdDSA', kid: overrides.kid ?? key.kid })
    .setIssuer(overrides.iss ?? TOKEN_ISSUER)
    .setAudience(overrides.aud ?? AUDIENCE)
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? '10m')
    .sign(key.privateKey);
}

let current: TestKey;
let other: TestKey;
let published: JsonWebKeySet;
let fetches = 0;
const source = async () => {
  fetches += 1;
  return published;
};

beforeAll(async () => {
  current = await makeKey('key-1');
  other = await makeKey('key-other');
  published = { keys: [current.jwk] };
});

async function refusal(token: string | undefined, verifier = new TokenVerifier(source, { audience: AUDIENCE })) {
  return verifier.verify(token).then(
    () => 'accepted',
    (error: { code?: string }) => error.code,
  );
}

test('a valid token gives its principal', async () => {
  const principal = await new TokenVerifier(source, { audience: AUDIENCE }).verify(await sign(current));
  expect(principal).toEqual({ kind: 'user', id: 'user-1', tenantId: claims.tid, roles: ['developer'], mfa: false, expiresAt: expect.any(Number) });
});

test('a token for another service, for no service, or for the old shared audience is refused', async () => {
  for (const aud of [audienceOf('auth'), audienceOf('edge-api'), 'gardien', 'gardien:tenant ', 'tenant']) {
    expect([aud, await refusal(await sign(current, { aud }))]).toEqual([aud, ErrorCode.Unauthenticated]);
  }
  expect(await refusal(await sign(current, { aud: AUDIENCE }))).toBe('accepted');
});

test('missing, malformed, alg none and HMAC tokens are refused', async () => {
  expect(await refusal(undefined)).toBe(ErrorCode.Unauthenticated);
  expect(await refusal('not.a.token')).toBe(ErrorCode.Unauthenticated);
  const none = new UnsecuredJWT({ ...claims }).setIssuer(TOKEN_ISSUER).setAudience(AUDIENCE).setSubject('user-1').setExpirationTime('10m').encode();
  expect(await refusal(none)).toBe(ErrorCode.Unauthenticated);
  const hmac = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('user-1')
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(current.jwk.x));
  expect(await refusal(hmac)).toBe(ErrorCode.Unauthenticated);
});

test('expired tokens, other issuers or audiences, and bad claims are refused', async () => {
  expect(await refusal(await sign(current, { exp: Math.floor(Date.now() / 1000) - 60 }))).toBe(ErrorCode.Unauthenticated);
  expect(await refusal(await sign(current, { iss: 'someone-else' }))).toBe(ErrorCode.Unauthenticated);
  expect(await refusal(await sign(current, { aud: 'another-app' }))).toBe(ErrorCode.Unauthenticated);
  expect(await refusal(await sign(current, { payload: { roles: ['root'] } }))).toBe(ErrorCode.Unauthenticated);
  // A token claiming a longer life than auth ever gives (15 min + 1 min skew) is refused outright,
  // and so is one issued longer ago than that, whatever its expiry.
  expect(await refusal(await sign(current, { exp: '2h' }))).toBe(ErrorCode.Unauthenticated);
  const longLived = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: current.kid })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('user-1')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 3_600)
    .setExpirationTime('10m')
    .sign(current.privateKey);
  expect(await refusal(longLived)).toBe(ErrorCode.Unauthenticated);
});

test('a token signed by another key is refused, whether its kid is unknown or borrowed', async () => {
  expect(await refusal(await sign(other))).toBe(ErrorCode.Unauthenticated);
  expect(await refusal(await sign(other, { kid: current.kid }))).toBe(ErrorCode.Unauthenticated);
});

test('a new key is picked up without restart; the key set is not refetched on every unknown kid', async () => {
  let now = Date.now();
  const verifier = new TokenVerifier(source, { audience: AUDIENCE, now: () => now, minRefreshIntervalMs: 30_000 });
  await verifier.verify(await sign(current));
  const rotated = await makeKey('key-2');
  published = { keys: [rotated.jwk, current.jwk] };
  const before = fetches;
  expect(await refusal(await sign(rotated), verifier)).toBe(ErrorCode.Unauthenticated); // within 30 s: no refetch
  expect(fetches).toBe(before);
  now += 31_000;
  expect((await verifier.verify(await sign(rotated))).id).toBe('user-1');
  expect(fetches).toBe(before + 1);
  published = { keys: [current.jwk] };
});

describe('verified-token cache', () => {
  test('a token verified once is accepted again until it expires, then refused', async () => {
    let now = Date.now();
    const verifier = new TokenVerifier(source, { audience: AUDIENCE, now: () => now, cacheTtlMs: 3_600_000 });
    const token = await sign(current, { exp: '2m' });
    expect(await refusal(token, verifier)).toBe('accepted');
    expect(await refusal(token, verifier)).toBe('accepted');
    now += 3 * 60_000 + 2_000; // past its expiry by more than the minute of clock skew
    expect(await refusal(token, verifier)).toBe(ErrorCode.Unauthenticated);
  });

  test('an altered copy of a cached token is verified, and refused', async () => {
    const verifier = new TokenVerifier(source, { audience: AUDIENCE });
    const token = await sign(current);
    expect(await refusal(token, verifier)).toBe('accepted');
    const [header, payload, signature] = token.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), roles: ['tenant_admin'] })).toString('base64url');
    expect(await refusal(`${header}.${altered}.${signature}`, verifier)).toBe(ErrorCode.Unauthenticated);
    expect(await refusal(`${token}x`, verifier)).toBe(ErrorCode.Unauthenticated);
  });

  test('cached tokens of a key that leaves the key set are refused after the next refresh', async () => {
    const retiring = await makeKey('key-retiring');
    let keys: JsonWebKeySet = { keys: [current.jwk, retiring.jwk] };
    let now = Date.now();
    const verifier = new TokenVerifier(async () => keys, { audience: AUDIENCE, now: () => now, cacheTtlMs: 60_000, minRefreshIntervalMs: 0 });
    const token = await sign(retiring);
    expect(await refusal(token, verifier)).toBe('accepted');
    keys = { keys: [current.jwk] };
    now += 61_000;
    expect(await refusal(token, verifier)).toBe(ErrorCode.Unauthenticated);
  });
});

describe('clock skew between auth and a verifier: one minute, no more', () => {
  const verifierNow = Date.UTC(2026, 11, 1, 12, 0, 0);
  const verifierSeconds = verifierNow / 1000;

  /** A 10-minute token as auth issues it when auth's clock reads `issuedAt` (seconds). */
  function issuedAt(issuedAtSeconds: number, lifetimeSeconds = 600) {
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: current.kid })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setIssuedAt(issuedAtSeconds)
      .setExpirationTime(issuedAtSeconds + lifetimeSeconds)
      .sign(current.privateKey);
  }

  const verifier = () => new TokenVerifier(source, { audience: AUDIENCE, now: () => verifierNow, verifiedTokens: 0 });

  test.each([1, 59, 60])('a fresh token from an auth whose clock is %i s ahead is accepted', async (ahead) => {
    expect(await refusal(await issuedAt(verifierSeconds + ahead), verifier())).toBe('accepted');
  });

  test.each([61, 120, 3_600])('a token issued %i s in the verifier’s future is refused', async (ahead) => {
    expect(await refusal(await issuedAt(verifierSeconds + ahead), verifier())).toBe(ErrorCode.Unauthenticated);
  });

  test('an expired token is accepted within the minute of skew and refused beyond it', async () => {
    expect(await refusal(await issuedAt(verifierSeconds - 600 - 30), verifier())).toBe('accepted');
    expect(await refusal(await issuedAt(verifierSeconds - 600 - 61), verifier())).toBe(ErrorCode.Unauthenticated);
    expect(await refusal(await issuedAt(verifierSeconds - 600 - 3_600), verifier())).toBe(ErrorCode.Unauthenticated);
  });

  test('the age cap is 15 min plus the minute of skew, counted once', async () => {
    // A 1-minute token issued 15 min 59 s ago has expired, but not beyond the skew: the age cap decides.
    const justUnder = await issuedAt(verifierSeconds - 15 * 60 - 59, 15 * 60);
    expect(await refusal(justUnder, verifier())).toBe('accepted');
    const over = await issuedAt(verifierSeconds - 15 * 60 - 61, 15 * 60 + 30);
    expect(await refusal(over, verifier())).toBe(ErrorCode.Unauthenticated);
  });

  test('the cache of verified tokens keeps them exactly as long as verification would accept them', async () => {
    let now = verifierNow;
    const caching = new TokenVerifier(source, { audience: AUDIENCE, now: () => now });
    const token = await issuedAt(verifierSeconds, 120);
    expect(await refusal(token, caching)).toBe('accepted');
    now += (120 + 59) * 1000;
    expect(await refusal(token, caching)).toBe('accepted');
    now += 2_000;
    expect(await refusal(token, caching)).toBe(ErrorCode.Unauthenticated);
  });

  test('property: a 10-minute token is accepted from 60 s in the future until 60 s past its expiry, never outside', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -3_600, max: 3_600 }), async (ahead) => {
        const outcome = await refusal(await issuedAt(verifierSeconds + ahead), verifier());
        // `exp` at exactly now - 60 is already refused (jose: exp <= now - tolerance).
        const accepted = ahead <= 60 && ahead + 600 > -60;
        expect(outcome).toBe(accepted ? 'accepted' : ErrorCode.Unauthenticated);
      }),
      { numRuns: 60, examples: [[60], [61], [-659], [-660]] },
    );
  });
});
