// The bootstrap subject answers only into the operator command line's inbox and, when auth is given
// the CLI's public key, only to requests signed with the CLI's nkey. A service that forges a
// bootstrap request (the generated bus configuration refuses it that subject; a hand-edited one
// might not) gets nothing back, and, with the key, creates nothing even when it asks for the answer
// in the CLI's inbox.
import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, nkeys, type NatsConnection } from '@nats-io/transport-node';
import {
  AUTH_OPERATIONS,
  type BootstrapResult,
  BusClient,
  CLI_USER,
  ErrorCode,
  HEADER_BOOTSTRAP_SIGNER,
  HEADER_REQUEST_ID,
  inboxPrefixOf,
  signBootstrapRequest,
  type BootstrapRequest,
} from '@gardien/contracts';
import { createLogger } from '@gardien/observability';
import { PrivateNats } from '@gardien/testing';
import { BootstrapListener, type BootstrapListenerConfig } from './bootstrap.listener.js';
import type { BootstrapService } from './bootstrap.service.js';

const RESULT: BootstrapResult = { superadmin: { id: randomUUID(), totp_uri: 'otpauth://totp/Gardien:x?secret=JBSWY3DPEHPK3PXP' } };
// Canaries: neither may appear in a log line.
const REQUEST: BootstrapRequest = { admin: { email: 'canary.root@example.test', password: 'canary long enough password' } };
const FORGED: BootstrapRequest = { admin: { email: 'canary.attacker@example.test', password: 'canary attacker password' } };

const cliKeys = nkeys.createUser();
const cliSeed = new TextDecoder().decode(cliKeys.getSeed());

let nats: PrivateNats;
let auth: NatsConnection;
const calls: BootstrapRequest[] = [];
const logLines: string[] = [];
const opened: NatsConnection[] = [];

async function connectWith(inboxPrefix?: string): Promise<NatsConnection> {
  const connection = await connect({ servers: nats.url, ...(inboxPrefix ? { inboxPrefix } : {}) });
  opened.push(connection);
  return connection;
}

/** Auth's listener with this configuration, serving the subject alone for the tests of one describe block. */
function serveBootstrap(config: BootstrapListenerConfig): void {
  let listener: BootstrapListener;
  beforeAll(async () => {
    const service = {
      bootstrap: async (request: BootstrapRequest) => {
        calls.push(request);
        return RESULT;
      },
    } as unknown as BootstrapService;
    const logger = createLogger({ service: 'auth', destination: { write: (line: string) => void logLines.push(line) } });
    listener = new BootstrapListener(service, auth, logger, config);
    listener.onApplicationBootstrap();
    await auth.flush();
  });
  afterAll(async () => {
    listener.onModuleDestroy();
    await auth.flush();
  });
}

/** The CLI's request through the one bus client, with these extra headers. */
async function cliRequest(payload: BootstrapRequest, headers: (requestId: string) => Record<string, string>, inbox = inboxPrefixOf(CLI_USER)) {
  const connection = await connectWith(inbox);
  const requestId = randomUUID();
  return new BusClient(connection)
    .call(AUTH_OPERATIONS.bootstrap, payload as never, { requestId }, { headers: headers(requestId) })
    .catch((error: { code?: string }) => error.code);
}

/**
 * A service (tenant) answers a request it sent itself, whose reply subject is the bootstrap subject,
 * with a bootstrap request asking for its answer at `replyTo`. Resolves with what `replyTo` received.
 */
async function forgeThroughAllowResponses(replyTo: string, headers: Record<string, string> = {}): Promise<string[]> {
  const watcher = await connectWith();
  const answers: string[] = [];
  let answered: () => void = () => undefined;
  const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
  watcher.subscribe(replyTo, {
    callback: (_e, msg) => {
      answers.push(msg.string());
      answered();
    },
  });
  await watcher.flush();
  const tenant = await connectWith(inboxPrefixOf('tenant'));
  const loop = `gardien.v1.tenant.loop-${randomUUID()}`;
  tenant.subscribe(loop, {
    callback: (_e, msg) => {
      const forged = natsHeaders();
      for (const [key, value] of Object.entries({ [HEADER_REQUEST_ID]: randomUUID(), ...headers })) forged.set(key, value);
      msg.respond(JSON.stringify({ pattern: AUTH_OPERATIONS.bootstrap.subject, data: FORGED, id: 'forged' }), { reply: replyTo, headers: forged });
    },
  });
  await tenant.flush();
  tenant.publish(loop, '', { reply: AUTH_OPERATIONS.bootstrap.subject });
  await tenant.flush();
  // Every forgery gets one answer, a refusal: waited for as long as a loaded machine needs (a fixed
  // 300 ms missed it in CI at load 4), then a round trip of each side through the server, so that a
  // second answer, had auth sent one with the first, would be counted too.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([firstAnswer, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
  clearTimeout(timer);
  await auth.flush();
  await watcher.flush();
  return answers;
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  auth = await connectWith();
});

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await nats?.dispose();
});

beforeEach(() => {
  calls.length = 0;
  logLines.length = 0;
});

const unsigned = () => ({});
const refusalCode = (answer: string) => (JSON.parse(answer) as { err?: { code?: string } }).err?.code;

describe('without the CLI’s public key (development): the reply subject alone decides', () => {
  serveBootstrap({});

  test('the command line, replying into its own inbox, gets the result', async () => {
    expect(await cliRequest(REQUEST, unsigned)).toEqual(RESULT);
    expect(calls).toEqual([REQUEST]);
  });

  test('a request whose answer would go anywhere else is refused and runs nothing', async () => {
    expect(await cliRequest(REQUEST, unsigned, inboxPrefixOf('tenant'))).toBe(ErrorCode.Forbidden);
    expect(calls).toHaveLength(0);
  });

  test('a forged request, sent as the answer to a request with the bootstrap subject as reply, gets no answer back', async () => {
    const stolen = `${inboxPrefixOf('tenant')}.stolen`;
    const answers = await forgeThroughAllowResponses(stolen);
    expect(calls).toHaveLength(0);
    expect(answers.join('\n')).not.toContain('otpauth');
    expect(answers.map(refusalCode)).toEqual([ErrorCode.Forbidden]);
  });
});

describe('without the CLI’s public key, the listener says at start that it does not check signatures', () => {
  test('one warning, naming the variable', async () => {
    const lines: string[] = [];
    const logger = createLogger({ service: 'auth', destination: { write: (line: string) => void lines.push(line) } });
    const unchecked = new BootstrapListener({} as BootstrapService, auth, logger, {});
    const checked = new BootstrapListener({} as BootstrapService, auth, logger, { GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY: cliKeys.getPublicKey() });
    unchecked.onApplicationBootstrap();
    checked.onApplicationBootstrap();
    unchecked.onModuleDestroy();
    checked.onModuleDestroy();
    const warnings = lines.map((line) => JSON.parse(line) as { level: string; msg: string; variable?: string });
    expect(warnings).toEqual([expect.objectContaining({ level: 'warn', variable: 'GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY' })]);
    expect(warnings[0]!.msg).toMatch(/not signature-checked/);
  });
});

describe('with the CLI’s public key: only requests signed with cli.nk create anything', () => {
  serveBootstrap({ GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY: cliKeys.getPublicKey() });

  /** The refusals logged since the test started: their reasons, after checking no canary leaked. */
  function refusalReasons(): string[] {
    const text = logLines.join('\n');
    for (const canary of ['canary', 'otpauth']) expect(text).not.toContain(canary);
    return logLines.map((line) => JSON.parse(line) as { msg: string; reason?: string }).filter((l) => l.msg === 'bootstrap request refused').map((l) => l.reason!);
  }

  test('the command line’s signed request gets the result', async () => {
    expect(await cliRequest(REQUEST, (requestId) => signBootstrapRequest(cliSeed, requestId, REQUEST))).toEqual(RESULT);
    expect(calls).toEqual([REQUEST]);
    expect(refusalReasons()).toEqual([]);
  });

  test('a forged request replying into the CLI’s inbox (`_INBOX_cli.x`) but unsigned creates nothing', async () => {
    const answers = await forgeThroughAllowResponses(`${inboxPrefixOf(CLI_USER)}.x`);
    expect(calls).toHaveLength(0);
    expect(answers.map(refusalCode)).toEqual([ErrorCode.Forbidden]);
    expect(refusalReasons()).toEqual(['missing']);
  });

  test('a forged request signed with another key, even one claiming to be the CLI’s, creates nothing', async () => {
    const other = new TextDecoder().decode(nkeys.createUser().getSeed());
    const requestId = randomUUID();
    const selfNamed = signBootstrapRequest(other, requestId, FORGED);
    const claimingCli = { ...selfNamed, [HEADER_BOOTSTRAP_SIGNER]: cliKeys.getPublicKey() };
    for (const headers of [selfNamed, claimingCli]) {
      const answers = await forgeThroughAllowResponses(`${inboxPrefixOf(CLI_USER)}.x`, { [HEADER_REQUEST_ID]: requestId, ...headers });
      expect(answers.map(refusalCode)).toEqual([ErrorCode.Forbidden]);
    }
    expect(calls).toHaveLength(0);
    expect(refusalReasons()).toEqual(['other_signer', 'bad_signature']);
  });

  test('the CLI’s signature of another request does not carry over to the forged payload', async () => {
    const requestId = randomUUID();
    const genuine = signBootstrapRequest(cliSeed, requestId, REQUEST);
    const answers = await forgeThroughAllowResponses(`${inboxPrefixOf(CLI_USER)}.x`, { [HEADER_REQUEST_ID]: requestId, ...genuine });
    expect(answers.map(refusalCode)).toEqual([ErrorCode.Forbidden]);
    expect(calls).toHaveLength(0);
    expect(refusalReasons()).toEqual(['bad_signature']);
  });

  test('the command line’s request without a signature is refused: FORBIDDEN, nothing created', async () => {
    expect(await cliRequest(REQUEST, unsigned)).toBe(ErrorCode.Forbidden);
    expect(calls).toHaveLength(0);
    expect(refusalReasons()).toEqual(['missing']);
  });

  test('a signed request whose answer would go anywhere but the CLI’s inbox is still refused', async () => {
    expect(await cliRequest(REQUEST, (requestId) => signBootstrapRequest(cliSeed, requestId, REQUEST), inboxPrefixOf('tenant'))).toBe(ErrorCode.Forbidden);
    expect(calls).toHaveLength(0);
    expect(refusalReasons()).toEqual(['reply_subject']);
  });
});
