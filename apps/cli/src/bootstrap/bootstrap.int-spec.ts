// `gardien bootstrap` run as the operator runs it: the built command line as a child process, on a
// nats-server configured by `gardien nats-config` (so it connects as its own NATS user, cli.nk),
// with a fake auth service answering the bootstrap subject as the auth user. Proves what callers
// rely on: one JSON object on stdout, no secret or personal data on stderr, the exit codes, and a
// request signed with cli.nk that verifies against the cli.pub auth is given.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeyAuthenticator, nkeys, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  AUTH_OPERATIONS,
  BootstrapRequest,
  ErrorCode,
  HEADER_BOOTSTRAP_SIGNATURE,
  HEADER_BOOTSTRAP_SIGNER,
  HEADER_REQUEST_ID,
  checkBootstrapProof,
  inboxPrefixOf,
  type BootstrapProofRefusal,
  type BootstrapResult,
  type ErrorEnvelope,
} from '@gardien/contracts';
import { PrivateNats, REPO_ROOT, freePort } from '@gardien/testing';

const CLI = join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'gardien-bootstrap-cli-'));
const seeds = join(dir, 'seeds');

// Canaries: none of these may appear on stderr.
const ADMIN_EMAIL = 'canary.root@example.org';
const TENANT_ADMIN_EMAIL = 'canary.admin@clinique.example';
const TENANT_NAME = 'Clinique Canari';
const ADMIN_PASSWORD = 'canary admin passphrase 1';
const TENANT_ADMIN_PASSWORD = 'canary tenant passphrase 2';

const RESULT: BootstrapResult = {
  superadmin: { id: '0b9a3f8e-2c1d-4e5f-8a7b-6c5d4e3f2a1b', totp_uri: 'otpauth://totp/Gardien:superadmin?secret=CANARYSECRETONE&issuer=Gardien' },
  tenant: {
    id: '5d7c9e1f-3a2b-4c6d-8e0f-1a2b3c4d5e6f',
    slug: 'clinique',
    admin: { id: '9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b', totp_uri: 'otpauth://totp/Gardien:clinique-admin?secret=CANARYSECRETTWO&issuer=Gardien' },
  },
};

let nats: PrivateNats;
let auth: NatsConnection;
let responder: Subscription | undefined;
/** What the fake auth service answers next: a result, or an error envelope. */
let answer: { response: unknown } | { err: ErrorEnvelope } = { response: RESULT };
const received: unknown[] = [];
/** Per request received: how auth, given cli.pub, judges its signature ('valid' or why not). */
const proofs: Array<BootstrapProofRefusal | 'valid'> = [];
/** What `gardien nats-config` printed about the command line's public key. */
let cliPublicKey: { publicKey: string; file: string; service: string; variable: string };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function gardien(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', GARDIEN_NATS_URL: nats.url, GARDIEN_NATS_NKEY_SEED_FILE: join(seeds, 'cli.nk'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function passwordFile(content: string): string {
  const file = join(dir, `passwords-${received.length}-${Date.now()}`);
  writeFileSync(file, content);
  chmodSync(file, 0o600);
  return file;
}

/** Nest's reply packet, as the real auth service would send it through its bus filter. */
function answerBootstrap(_error: Error | null, message: Msg): void {
  const packet = message.json<{ id: string; pattern: string; data: unknown }>();
  received.push(packet.data);
  const header = (name: string) => message.headers?.get(name);
  const proof = { requestId: header(HEADER_REQUEST_ID), payload: packet.data, signer: header(HEADER_BOOTSTRAP_SIGNER), signature: header(HEADER_BOOTSTRAP_SIGNATURE) };
  proofs.push(checkBootstrapProof(readFileSync(cliPublicKey.file, 'utf8').trim(), proof) ?? 'valid');
  message.respond(JSON.stringify({ id: packet.id, ...answer, isDisposed: true }));
}

async function startFakeAuth(): Promise<void> {
  responder = auth.subscribe(AUTH_OPERATIONS.bootstrap.subject, { queue: 'auth', callback: answerBootstrap });
  await auth.flush();
}

function expectNoSecretIn(text: string): void {
  for (const canary of [ADMIN_EMAIL, TENANT_ADMIN_EMAIL, TENANT_NAME, ADMIN_PASSWORD, TENANT_ADMIN_PASSWORD, 'otpauth', 'CANARYSECRET', 'canary']) {
    expect(text).not.toContain(canary);
  }
}

beforeAll(async () => {
  // The command line under test is the built one: build it (incremental, quick when up to date).
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(REPO_ROOT, 'apps', 'cli', 'tsconfig.app.json')], {
    stdio: 'inherit',
  });
  const config = join(dir, 'nats.conf');
  const generated = JSON.parse(
    execFileSync(process.execPath, [CLI, 'nats-config', '--out', config, '--seeds-dir', seeds, '--store-dir', join(dir, 'js')], { encoding: 'utf8' }),
  ) as { seeds: Array<{ user: string }>; cliPublicKey: typeof cliPublicKey };
  expect(generated.seeds.map(({ user }) => user)).toContain('cli');
  cliPublicKey = generated.cliPublicKey;
  nats = await PrivateNats.start(config);
  auth = await connect({
    servers: nats.url,
    inboxPrefix: inboxPrefixOf('auth'),
    authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(join(seeds, 'auth.nk'), 'utf8').trim())),
  });
  await startFakeAuth();
}, 180_000);

afterAll(async () => {
  await auth?.close();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('bootstrap with a tenant: stdout is exactly the reply, as one JSON object; stderr holds ids only', async () => {
  answer = { response: RESULT };
  const run = await gardien(
    [
      'bootstrap',
      '--admin-email',
      ADMIN_EMAIL.toUpperCase(),
      '--tenant',
      'clinique',
      '--tenant-name',
      TENANT_NAME,
      '--tenant-admin-email',
      TENANT_ADMIN_EMAIL,
      '--password-file',
      passwordFile(`${ADMIN_PASSWORD}\n${TENANT_ADMIN_PASSWORD}\n`),
    ],
    {},
  );
  expect(run.code).toBe(0);
  expect(run.stdout.endsWith('\n')).toBe(true);
  expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
  expect(JSON.parse(run.stdout)).toEqual(RESULT);

  // What auth was asked: the contract's request, emails lower-cased, each password where it belongs.
  expect(BootstrapRequest.parse(received.at(-1))).toEqual({
    admin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    tenant: { slug: 'clinique', name: TENANT_NAME, admin: { email: TENANT_ADMIN_EMAIL, password: TENANT_ADMIN_PASSWORD } },
  });

  const lines = run.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toEqual([
    expect.objectContaining({ level: 'info', service: 'cli', event: 'bootstrap.requested', with_tenant: true }),
    expect.objectContaining({
      level: 'info',
      event: 'bootstrap.done',
      superadmin_id: RESULT.superadmin.id,
      tenant_id: RESULT.tenant!.id,
      tenant_admin_id: RESULT.tenant!.admin.id,
    }),
  ]);
  expectNoSecretIn(run.stderr);
  // Signed with cli.nk: it verifies against cli.pub, as auth checks it.
  expect(proofs.at(-1)).toBe('valid');
});

test('nats-config writes the command line’s public key (cli.pub, not secret) for auth, and says which variable takes it', () => {
  const seed = readFileSync(join(seeds, 'cli.nk'), 'utf8').trim();
  const publicKey = nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey();
  expect(cliPublicKey).toEqual({ publicKey, file: join(seeds, 'cli.pub'), service: 'auth', variable: 'GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY_FILE' });
  expect(readFileSync(cliPublicKey.file, 'utf8')).toBe(`${publicKey}\n`);
  expect(statSync(cliPublicKey.file).mode & 0o777).toBe(0o644);
  expect(readFileSync(join(dir, 'nats.conf'), 'utf8')).toContain(`nkey: "${publicKey}"`);
  const help = execFileSync(process.execPath, [CLI, 'nats-config', '--help'], { encoding: 'utf8' });
  expect(help).toContain('cli.pub');
  expect(help).toContain('GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY_FILE');
});

test('the password from GARDIEN_BOOTSTRAP_PASSWORD serves the super-admin alone', async () => {
  answer = { response: { superadmin: RESULT.superadmin } };
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL], { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD });
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ superadmin: RESULT.superadmin });
  expect(received.at(-1)).toEqual({ admin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  expect(proofs.at(-1)).toBe('valid');
  expectNoSecretIn(run.stderr);
});

const NOT_SIGNED = 'the bootstrap request is not signed with the operator command line’s nkey that auth was given';

test.each([
  ['a platform already bootstrapped', 1, { code: ErrorCode.Conflict, message: 'a super-admin already exists' }, 'the platform is already bootstrapped: a super-admin exists\n'],
  ['auth refusing the request (e.g. not signed with the key it was given)', 77, { code: ErrorCode.Forbidden, message: NOT_SIGNED }, `the auth service refused the bootstrap (FORBIDDEN): ${NOT_SIGNED}\n`],
])('%s: exit %i, a clear message, nothing on stdout', async (_case, exitCode, err, message) => {
  answer = { err };
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL], { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD });
  expect(run.code).toBe(exitCode);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain(`gardien bootstrap: ${message}`);
  expectNoSecretIn(run.stderr);
});

test('a reply outside the contract is not printed: exit 70', async () => {
  answer = { response: { superadmin: { id: 'not-a-uuid', totp_uri: RESULT.superadmin.totp_uri } } };
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL], { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD });
  expect(run.code).toBe(70);
  expect(run.stdout).toBe('');
  expectNoSecretIn(run.stderr);
});

test('a password given on the command line is refused (64) before anything is sent, and not echoed', async () => {
  const before = received.length;
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL, `--password=${ADMIN_PASSWORD}`], {});
  expect(run.code).toBe(64);
  expect(run.stderr).toContain("unknown option '--password'");
  expectNoSecretIn(run.stderr);
  expect(received.length).toBe(before);
});

test('a password file readable by others is refused (64) before anything is sent', async () => {
  const before = received.length;
  const file = passwordFile(`${ADMIN_PASSWORD}\n`);
  chmodSync(file, 0o644);
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL, '--password-file', file], {});
  expect(run.code).toBe(64);
  expect(run.stderr).toContain('--password-file is accessible by group or others (mode 0644)');
  expect(received.length).toBe(before);
});

test('without the command line’s credentials the bus refuses it: exit 77', async () => {
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL], { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD, GARDIEN_NATS_NKEY_SEED_FILE: '' });
  expect(run.code).toBe(77);
  expect(run.stderr).toContain('the bus refused the command line’s credentials');
  expect(run.stdout).toBe('');
});

test('no bus at the address: exit 69, is `gardien start` running?', async () => {
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL], {
    GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
    GARDIEN_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
  });
  expect(run.code).toBe(69);
  expect(run.stderr).toMatch(/cannot reach the bus at nats:\/\/127\.0\.0\.1:\d+\): is `gardien start` running\?/);
  expect(run.stdout).toBe('');
});

test('no auth service answering: exit 69, is `gardien start` running?', async () => {
  await responder?.drain();
  const run = await gardien(['bootstrap', '--admin-email', ADMIN_EMAIL], { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD });
  expect(run.code).toBe(69);
  expect(run.stderr).toContain('gardien bootstrap: the auth service is not reachable');
  expect(run.stderr).toContain('is `gardien start` running?');
  expect(run.stdout).toBe('');
  expectNoSecretIn(run.stderr);
});
