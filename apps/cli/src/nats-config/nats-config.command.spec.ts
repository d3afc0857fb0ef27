// `gardien nats-config`: what it accepts, and what it writes.
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { CommanderError } from 'commander';
import { natsConfigCommand } from './nats-config.command.js';
import { isWildcard, natsConfigUsageError, parseListen, serverNamesOf, type NatsConfigOptions } from './nats-config-options.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-nats-config-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: NatsConfigOptions = { out: 'nats.conf', seedsDir: 'seeds' };
const tlsFiles = { tlsCert: '/tls/server.pem', tlsKey: '/tls/server-key.pem', tlsCa: '/tls/ca.pem' };

/** Runs the command as the CLI does, with its stdout and usage errors captured. */
async function run(args: string[]): Promise<{ stdout: string; usageError?: string; exitCode?: number }> {
  let stdout = '';
  let usageError: string | undefined;
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const command = natsConfigCommand()
    .exitOverride((error: CommanderError) => {
      throw error;
    })
    .configureOutput({ outputError: (message) => (usageError = message), writeErr: () => undefined });
  try {
    await command.parseAsync(args, { from: 'user' });
    return { stdout };
  } catch (error) {
    return { stdout, usageError: usageError ?? '', exitCode: (error as CommanderError).exitCode };
  } finally {
    write.mockRestore();
    stderr.mockRestore();
  }
}

describe('usage', () => {
  test.each([
    [{ ...base }, undefined],
    [{ ...base, listen: '10.20.0.2:4222' }, undefined],
    [{ ...base, ...tlsFiles }, undefined],
    [{ ...base, tlsGenerate: '/tls', tlsServerNames: ['nats'] }, undefined],
    [{ ...base, ...tlsFiles, production: true, listen: '10.20.0.2:4222' }, undefined],
    [{ ...base, ...tlsFiles, production: true, listen: 'nats:4222' }, undefined],
    [{ ...base, tlsGenerate: '/tls', production: true, listen: '[fd00::2]:4222' }, undefined],
    [{ ...base, ...tlsFiles, production: true, listen: '0.0.0.0:4222', anyInterface: true }, undefined],
  ])('%j is accepted', (options, expected) => {
    expect(natsConfigUsageError(options)).toBe(expected);
  });

  test.each([
    [{ ...base, production: true, listen: '10.20.0.2:4222' }, /--production requires TLS/],
    [{ ...base, ...tlsFiles, production: true }, /--production requires --listen/],
    [{ ...base, ...tlsFiles, production: true, listen: '0.0.0.0:4222' }, /every interface/],
    [{ ...base, ...tlsFiles, production: true, listen: '[::]:4222' }, /every interface/],
    [{ ...base, ...tlsFiles, production: true, listen: '[0:0::0]:4222' }, /every interface/],
    [{ ...base, ...tlsFiles, production: true, listen: '[::0.0.0.0]:4222' }, /every interface/],
    [{ ...base, ...tlsFiles, production: true, listen: '[::ffff:0.0.0.0]:4222' }, /every interface/],
    [{ ...base, tlsCert: '/tls/server.pem', tlsKey: '/tls/server-key.pem' }, /go together/],
    [{ ...base, ...tlsFiles, tlsGenerate: '/tls' }, /does not take/],
    [{ ...base, tlsServerNames: ['nats'] }, /only with --tls-generate/],
    [{ ...base, tlsGenerate: '/tls', tlsServerNames: ['nats', 'a b'] }, /name 2 is neither/],
    [{ ...base, anyInterface: true, listen: '0.0.0.0:4222' }, /only with it/],
    [{ ...base, listen: 'nats' }, /--listen takes host:port/],
  ])('%j is refused', (options, expected) => {
    expect(natsConfigUsageError(options)).toMatch(expected);
  });

  test('listen addresses: an IP address or a name, and a port; names that resolvers read as addresses are not names', () => {
    expect(parseListen('10.20.0.2:4222')).toEqual({ host: '10.20.0.2', port: 4222 });
    expect(parseListen('nats.bus.internal:4222')).toEqual({ host: 'nats.bus.internal', port: 4222 });
    expect(parseListen('[fd00::2]:4222')).toEqual({ host: 'fd00::2', port: 4222 });
    for (const bad of ['0:4222', '0x0:4222', '127.1:4222', '10.0.0.2:0', '10.0.0.2:65536', 'fd00::2:4222', '[nats]:4222', ':4222', 'nats:', 'na ts:4222']) {
      expect(parseListen(bad)).toBeUndefined();
    }
    expect(isWildcard(parseListen('0.0.0.0:4222')!)).toBe(true);
    expect(isWildcard(parseListen('10.0.0.2:4222')!)).toBe(false);
  });

  test('property: whatever the listen value, --production never accepts every interface without --any-interface', () => {
    const host = fc.oneof(
      fc.constantFrom('0.0.0.0', '[::]', '[0::0]', '[0:0:0:0:0:0:0:0]', '[::0.0.0.0]', '[0::0.0.0.0]', '0', '0x0', ''),
      fc.ipV4(),
      fc.ipV6().map((ip) => `[${ip}]`),
      fc.domain(),
      fc.string(),
    );
    fc.assert(
      fc.property(host, fc.integer({ min: 0, max: 70_000 }), (h, port) => {
        const problem = natsConfigUsageError({ ...base, ...tlsFiles, production: true, listen: `${h}:${port}` });
        // Accepted: then the host is no spelling of "any address" (zeros, colons, dots, hex prefixes
        // "0x", perhaps in brackets). A lone "x" is a name, not a hex prefix.
        if (problem === undefined) expect(/^\[?(?:0x|[0:.])*\]?$/i.test(h)).toBe(false);
        if (problem === undefined) expect(/^\[::ffff:(?:0:0|0\.0\.0\.0)\]$/i.test(h)).toBe(false);
      }),
    );
  });

  test('a generated server certificate names this machine and the listen host unless told otherwise', () => {
    expect(serverNamesOf({ ...base, tlsGenerate: '/tls', listen: 'nats:4222' })).toEqual(['localhost', '127.0.0.1', 'nats']);
    expect(serverNamesOf({ ...base, tlsGenerate: '/tls', listen: '0.0.0.0:4222' })).toEqual(['localhost', '127.0.0.1']);
    expect(serverNamesOf({ ...base, tlsGenerate: '/tls', tlsServerNames: ['bus'] })).toEqual(['bus']);
  });
});

describe('the command', () => {
  test('a usage error exits 64 and writes nothing', async () => {
    const out = join(dir, 'refused.conf');
    const result = await run(['--out', out, '--seeds-dir', join(dir, 'refused-seeds'), '--production', '--listen', '0.0.0.0:4222', '--tls-generate', join(dir, 'refused-tls')]);
    expect(result.exitCode).toBe(64);
    expect(result.usageError).toMatch(/every interface/);
    expect(() => readFileSync(out)).toThrow();
  });

  test('with the operator’s certificates, the configuration demands a client certificate from every connection', async () => {
    const out = join(dir, 'tls.conf');
    const result = await run(['--out', out, '--seeds-dir', join(dir, 'seeds'), '--production', '--listen', '10.20.0.2:4222', '--tls-cert', '/run/secrets/nats.pem', '--tls-key', '/run/secrets/nats-key.pem', '--tls-ca', '/run/secrets/ca.pem']);
    expect(result.exitCode).toBeUndefined();
    const config = readFileSync(out, 'utf8');
    expect(config).toContain('listen: "10.20.0.2:4222"');
    expect(config).toMatch(/tls \{\n {2}cert_file: "\/run\/secrets\/nats.pem"\n {2}key_file: "\/run\/secrets\/nats-key.pem"\n {2}ca_file: "\/run\/secrets\/ca.pem"\n {2}verify: true\n {2}timeout: 2\n\}/);
    expect(JSON.parse(result.stdout).tls).toEqual({
      certFile: '/run/secrets/nats.pem',
      keyFile: '/run/secrets/nats-key.pem',
      caFile: '/run/secrets/ca.pem',
      variables: { ca: 'GARDIEN_NATS_TLS_CA_FILE', cert: 'GARDIEN_NATS_TLS_CERT_FILE', key: 'GARDIEN_NATS_TLS_KEY_FILE' },
    });
  });

  test('without options the server listens on this machine only, and has no TLS block', async () => {
    const out = join(dir, 'plain.conf');
    const result = await run(['--out', out, '--seeds-dir', join(dir, 'seeds')]);
    const config = readFileSync(out, 'utf8');
    expect(config).toContain('listen: "127.0.0.1:4222"');
    expect(config).not.toContain('tls {');
    expect(JSON.parse(result.stdout)).toMatchObject({ listen: '127.0.0.1:4222' });
  });
});
