import { ConfigError, loadConfig } from '@gardien/bootstrap';
import { EdgeConfigSchema, requireTrustedProxiesInProduction, trustedProxiesOf } from './config.js';

test('rate limits default to 600 a minute per source, 30 on authentication; no proxy is trusted', () => {
  const config = loadConfig(EdgeConfigSchema, {});
  expect(config).toMatchObject({ GARDIEN_RATE_LIMIT_MAX: 600, GARDIEN_RATE_LIMIT_AUTH_MAX: 30, GARDIEN_RATE_LIMIT_WINDOW_MS: 60_000 });
  expect(config.GARDIEN_TRUSTED_PROXIES).toBeUndefined();
});

test('trusted proxies are addresses or ranges; anything else stops the start, by variable name', () => {
  expect(loadConfig(EdgeConfigSchema, { GARDIEN_TRUSTED_PROXIES: '10.0.0.0/8,::1' }).GARDIEN_TRUSTED_PROXIES).toBe('10.0.0.0/8,::1');
  expect(() => loadConfig(EdgeConfigSchema, { GARDIEN_TRUSTED_PROXIES: 'true' })).toThrow(ConfigError);
  expect(() => loadConfig(EdgeConfigSchema, { GARDIEN_RATE_LIMIT_AUTH_MAX: '0' })).toThrow(
    expect.objectContaining({ variables: ['GARDIEN_RATE_LIMIT_AUTH_MAX'] }),
  );
});

test('/graphql takes bodies of 64 KiB by default, REST ones of 1 MiB; a limit below 1 KiB stops the start', () => {
  expect(loadConfig(EdgeConfigSchema, {})).toMatchObject({ GARDIEN_GRAPHQL_BODY_LIMIT_BYTES: 65_536, GARDIEN_BODY_LIMIT_BYTES: 1_048_576 });
  expect(() => loadConfig(EdgeConfigSchema, { GARDIEN_GRAPHQL_BODY_LIMIT_BYTES: '10' })).toThrow(
    expect.objectContaining({ variables: ['GARDIEN_GRAPHQL_BODY_LIMIT_BYTES'] }),
  );
});

test('in production the trusted proxies must be stated: behind a reverse proxy, one left unset would make every client one source (20 bad logins would lock everyone out)', () => {
  const production = { GARDIEN_ENV: 'production' };
  expect(() => loadConfig(EdgeConfigSchema, production, requireTrustedProxiesInProduction)).toThrow(
    expect.objectContaining({ variables: ['GARDIEN_TRUSTED_PROXIES'] }),
  );
  expect(trustedProxiesOf(loadConfig(EdgeConfigSchema, { ...production, GARDIEN_TRUSTED_PROXIES: '10.0.0.2' }, requireTrustedProxiesInProduction))).toBe('10.0.0.2');
  // An edge that faces its clients directly says so.
  expect(trustedProxiesOf(loadConfig(EdgeConfigSchema, { ...production, GARDIEN_TRUSTED_PROXIES: 'none' }, requireTrustedProxiesInProduction))).toBe(false);
  // Development may leave it unset (the peer is the client).
  expect(trustedProxiesOf(loadConfig(EdgeConfigSchema, {}, requireTrustedProxiesInProduction))).toBe(false);
});
