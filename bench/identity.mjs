// `npm run bench`, identity part (issue 4, "Must show" 8), measured on this machine:
//   1. access-token verifications per second in one process (one event loop = one core, as each
//      service runs TokenVerifier): (a) every token different and the verified-token cache off, the
//      cost of an Ed25519 verification through jose; (b) 1,000 clients each reusing its token, the
//      cache on, as a service sees real traffic (clients keep a token for its 10-minute life);
//   2. login latency through the whole platform (HTTP edge -> NATS -> auth -> Postgres), for an
//      account without MFA: POST /api/v1/auth/login, sequential, after 5 warm-up logins; p50 and p90.
//      argon2id (19 MiB, t=2) dominates it;
//   3. the answer time of a failed login for an unknown account and for a wrong password on an
//      existing one (each from its own address, each account tried once): they must be alike, or the
//      timing would tell which emails have an account.
// Prints a table, writes bench/results/identity-<date>.json, exits 0 even when a target is missed.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { connect } from '@nats-io/transport-node';
import { generate } from 'otplib';
import { TokenVerifier } from '@gardien/authz';
import { AUTH_OPERATIONS, BootstrapResult, BusClient, CLI_USER, TOKEN_ISSUER, audienceOf, inboxPrefixOf } from '@gardien/contracts';

// The tokens a service verifies are for that service (tenant, say): its audience.
const AUDIENCE = audienceOf('tenant');
import { BenchEnvironment } from './environment.mjs';
import { describeMachine, loadAverage } from './machine.mjs';
import { latencySummary, median } from './stats.mjs';

const TARGETS = { verificationsPerSecond: 20_000 };
const DISTINCT_TOKENS = 20_000;
const CLIENTS = 1_000;
const CACHED_VERIFICATIONS = 200_000;
const LOGINS = 40;
const FAILED_LOGINS = 20;
const PASSWORD = 'bench password, long enough';
const say = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);

async function signingKey() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const { x } = await exportJWK(publicKey);
  return { privateKey, keySet: { keys: [{ kty: 'OKP', crv: 'Ed25519', x, kid: 'bench', alg: 'EdDSA', use: 'sig' }] } };
}

/** @param {import('jose').CryptoKey} privateKey @param {number} count */
async function tokens(privateKey, count) {
  const claims = { tid: randomUUID(), kind: 'user', roles: ['developer'], mfa: false, sid: randomUUID() };
  return Promise.all(
    Array.from({ length: count }, () =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'bench' }).setIssuer(TOKEN_ISSUER).setAudience(AUDIENCE)
        .setSubject(randomUUID()).setIssuedAt().setJti(randomUUID()).setExpirationTime('10m').sign(privateKey),
    ),
  );
}

/** @param {TokenVerifier} verifier @param {string[]} list @param {number} total */
async function rate(verifier, list, total) {
  await verifier.verify(list[0]); // key set fetched outside the timing
  const started = process.hrtime.bigint();
  for (let i = 0; i < total; i++) await verifier.verify(list[i % list.length]);
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function verificationRates() {
  const { privateKey, keySet } = await signingKey();
  const distinct = await tokens(privateKey, DISTINCT_TOKENS);
  const clients = await tokens(privateKey, CLIENTS);
  const uncached = [];
  const cached = [];
  for (let run = 0; run < 3; run++) {
    uncached.push(await rate(new TokenVerifier(async () => keySet, { audience: AUDIENCE, verifiedTokens: 0 }), distinct, DISTINCT_TOKENS));
    cached.push(await rate(new TokenVerifier(async () => keySet, { audience: AUDIENCE }), clients, CACHED_VERIFICATIONS));
  }
  return { distinctUncached: median(uncached), reusedCached: median(cached) };
}

/** @param {string} url @param {unknown} body @param {string} [token] */
async function post(url, body, token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function loginLatency() {
  const environment = new BenchEnvironment();
  try {
    const platform = await environment.prepare();
    // Each request from its own address (as behind the proxy), so that per-source back-off stays out of the timings.
    const processes = await environment.launch(platform, { GARDIEN_TRUSTED_PROXIES: '127.0.0.1' });
    const api = `${processes.edgeUrl}/api/v1`;
    // As the operator command line does: auth answers a bootstrap only into the CLI's inbox.
    const connection = await connect({ servers: platform.nats.url, inboxPrefix: inboxPrefixOf(CLI_USER) });
    const admin = { email: 'admin@bench.example', password: PASSWORD };
    const result = await new BusClient(connection, 30_000).request(
      AUTH_OPERATIONS.bootstrap.subject,
      { admin: { email: 'root@bench.example', password: PASSWORD }, tenant: { slug: 'bench', name: 'Bench', admin } },
      { requestId: randomUUID() },
      BootstrapResult,
    );
    await connection.close();
    const secret = new URL(result.tenant.admin.totp_uri).searchParams.get('secret');
    const session = await post(`${api}/auth/login`, { ...admin, tenant: 'bench', totp: await generate({ secret }) });
    await post(`${api}/users`, { email: 'user@bench.example', password: PASSWORD, roles: ['user'] }, session.access_token);
    const login = { email: 'user@bench.example', password: PASSWORD, tenant: 'bench' };
    for (let i = 0; i < 5; i++) await post(`${api}/auth/login`, login);
    const durations = [];
    for (let i = 0; i < LOGINS; i++) {
      const started = performance.now();
      await post(`${api}/auth/login`, login);
      durations.push(performance.now() - started);
    }
    const others = [];
    for (let i = 0; i < FAILED_LOGINS; i++) {
      others.push(`other${i}@bench.example`);
      await post(`${api}/users`, { email: others[i], password: PASSWORD, roles: ['user'] }, session.access_token);
    }
    const failed = async (/** @type {string} */ email) => {
      const started = performance.now();
      const answer = await fetch(`${api}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}` },
        body: JSON.stringify({ email, password: 'not the password, long enough', tenant: 'bench' }),
      });
      await answer.text();
      if (answer.status !== 401) throw new Error(`a failed login answered ${answer.status}`);
      return performance.now() - started;
    };
    const unknown = [];
    const wrong = [];
    for (let i = 0; i < FAILED_LOGINS; i++) {
      unknown.push(await failed(`nobody${i}@bench.example`));
      wrong.push(await failed(others[i]));
    }
    return { login: latencySummary(durations), unknownAccount: latencySummary(unknown), wrongPassword: latencySummary(wrong) };
  } finally {
    await environment.dispose();
  }
}

async function main() {
  const date = new Date().toISOString();
  const machine = describeMachine();
  const loadBefore = loadAverage();
  say(`token verification: ${DISTINCT_TOKENS} distinct tokens without cache; ${CLIENTS} clients reusing theirs, ${CACHED_VERIFICATIONS} verifications`);
  const verification = await verificationRates();
  say(`login latency: ${LOGINS} sequential logins through the edge`);
  const { login, unknownAccount, wrongPassword } = await loginLatency();
  const result = { date, machine, load: { before: loadBefore, after: loadAverage() }, verification, login, unknownAccount, wrongPassword };
  const fmt = (/** @type {number} */ v) => Math.round(v).toLocaleString('en-US');
  const lines = [
    `Gardien identity benchmark, ${date}`,
    `machine: ${machine.cores} cores, ${machine.cpuModel}, node ${machine.node}, commit ${machine.commit}; load ${loadBefore} before`,
    '',
    `token verifications per second, one process (target >= ${fmt(TARGETS.verificationsPerSecond)}):`,
    `  reused tokens (1,000 clients), cache on: ${fmt(verification.reusedCached)} /s  ${verification.reusedCached >= TARGETS.verificationsPerSecond ? 'PASS' : 'FAIL <<<'}`,
    `  every token new, cache off (Ed25519):    ${fmt(verification.distinctUncached)} /s  (info: the cost of one verification, ${(1e6 / verification.distinctUncached).toFixed(0)} µs)`,
    '',
    `login through the edge (argon2id-bound), n=${login.count}: p50 ${login.p50.toFixed(1)} ms, p90 ${login.p90.toFixed(1)} ms, max ${login.max.toFixed(1)} ms`,
    `failed login, unknown account,   n=${unknownAccount.count}: p50 ${unknownAccount.p50.toFixed(1)} ms, p90 ${unknownAccount.p90.toFixed(1)} ms`,
    `failed login, wrong password,    n=${wrongPassword.count}: p50 ${wrongPassword.p50.toFixed(1)} ms, p90 ${wrongPassword.p90.toFixed(1)} ms  (difference of medians ${(wrongPassword.p50 - unknownAccount.p50).toFixed(1)} ms)`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(`identity-${date.slice(0, 10)}.json`, dir);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`result written to ${file.pathname}\n`);
}

main().catch((error) => {
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
