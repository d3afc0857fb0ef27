// Requests refused before any route runs (by Node's HTTP parser, Fastify's router, the content-type
// parsers, or because no route matches) leave as problem+json like every other error: a request id,
// our own title, and no echo of the path, a header or the body. Raw sockets send what fetch cannot.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AUTH_OPERATIONS } from '@gardien/contracts';
import { PrivateNats, rawRequest, type RawAnswer } from '@gardien/testing';
import { ProblemSchema } from '../openapi/openapi-document.js';
import { startEdge, startEdgeBench, type EdgeBench, type FakeServices, type RunningEdge } from '../testing/edge-harness.js';

const EAGER_WRITER = fileURLToPath(new URL('../testing/eager-writer.mjs', import.meta.url));

/** Looks like personal data; must appear in no answer. */
const CANARY = 'jean.dupont@exemple.fr';

let nats: PrivateNats;
let bench: EdgeBench;
let fakes: FakeServices;
let edge: RunningEdge;
let host: string;

beforeAll(async () => {
  nats = await PrivateNats.start();
  bench = await startEdgeBench(nats.url);
  ({ fakes, edge } = bench);
  host = new URL(edge.url).host;
});

afterAll(async () => {
  await bench?.close();
  await nats?.dispose();
});

beforeEach(() => fakes.forget());

interface Answer {
  status: number;
  contentType: string | undefined;
  requestId: string | undefined;
  body: string;
}

function fromRaw(answer: RawAnswer): Answer {
  return { status: answer.status, contentType: answer.headers['content-type'], requestId: answer.headers['x-request-id'], body: answer.body };
}

async function fromFetch(response: Response): Promise<Answer> {
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    requestId: response.headers.get('x-request-id') ?? undefined,
    body: await response.text(),
  };
}

/** A problem document of this status and code, carrying the request id of its header, echoing nothing. */
function expectProblem(answer: Answer, status: number, code: string): Record<string, unknown> {
  expect({ status: answer.status, contentType: answer.contentType }).toEqual({ status, contentType: expect.stringMatching(/^application\/problem\+json/) });
  const problem = ProblemSchema.parse(JSON.parse(answer.body));
  expect(problem).toMatchObject({ status, code });
  expect(problem.request_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.requestId).toBe(problem.request_id);
  expect(answer.body).not.toContain(CANARY);
  expect(answer.body).not.toMatch(/FST_|HPE_|Route |Cannot |at \w+ \(/);
  return problem;
}

describe('refused by Node before Fastify sees the request', () => {
  test('a header of 20 KB is a 431 problem', async () => {
    const answer = await rawRequest(edge.url, `GET /health HTTP/1.1\r\nHost: ${host}\r\nX-Note: ${CANARY}${'a'.repeat(20_000)}\r\n\r\n`);
    const problem = expectProblem(fromRaw(answer), 431, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'headers', reason: 'too_large' }]);
  });

  test('Transfer-Encoding together with Content-Length is a 400 problem (request smuggling)', async () => {
    const answer = await rawRequest(
      edge.url,
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    );
    expectProblem(fromRaw(answer), 400, 'VALIDATION_FAILED');
    expect(fakes.calls).toEqual([]);
  });

  test('under /v1 the same refusals take OpenAI\'s error shape, as every error there does', async () => {
    const smuggled = fromRaw(
      await rawRequest(edge.url, `GET /v1/models?${CANARY} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`),
    );
    const oversized = fromRaw(await rawRequest(edge.url, `GET /v1/models HTTP/1.1\r\nHost: ${host}\r\nX-Note: ${CANARY}${'a'.repeat(20_000)}\r\n\r\n`));
    const farOversized = fromRaw(await rawRequest(edge.url, `GET /v1/models HTTP/1.1\r\nHost: ${host}\r\nX-Note: ${CANARY}${'a'.repeat(70_000)}\r\n\r\n`));
    // A request line of 13 KB, and a header byte that is not allowed.
    const longLine = fromRaw(await rawRequest(edge.url, `GET /v1/models?q=${CANARY.repeat(600)} HTTP/1.1\r\nHost: ${host}\r\nX-Bad: \u0001\r\n\r\n`));
    const answers = [[smuggled, 400, 'malformed_request'], [oversized, 431, 'headers_too_large'], [farOversized, 431, 'headers_too_large'], [longLine, 400, 'malformed_request']] as const;
    for (const [answer, status, code] of answers) {
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({ status, contentType: expect.stringMatching(/^application\/json/) });
      const body = JSON.parse(answer.body) as { error: Record<string, unknown> };
      expect(body).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code, request_id: answer.requestId } });
      expect(answer.body).not.toContain(CANARY);
    }
  });

  test('a request line that is not HTTP is a 400 problem', async () => {
    expectProblem(fromRaw(await rawRequest(edge.url, `GET /${CANARY} NOT-HTTP\r\n\r\n`)), 400, 'VALIDATION_FAILED');
  });
});

describe('refused by the router', () => {
  test('a path parameter over 100 characters is a 414 problem', async () => {
    const response = await fetch(`${edge.url}/api/v1/users/${CANARY}${'a'.repeat(120)}`);
    const problem = expectProblem(await fromFetch(response), 414, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'path', reason: 'too_long' }]);
  });

  test('a path that is not valid percent-encoded UTF-8 is a 400 problem', async () => {
    const answer = await rawRequest(edge.url, `GET /api/v1/users/${CANARY}%FF%FE HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    const problem = expectProblem(fromRaw(answer), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'path', reason: 'invalid_encoding' }]);
  });

  test('an unknown route and a known path with another method are 404 problems', async () => {
    expectProblem(await fromFetch(await fetch(`${edge.url}/api/v1/${CANARY}`)), 404, 'NOT_FOUND');
    expectProblem(await fromFetch(await fetch(`${edge.url}/health`, { method: 'DELETE' })), 404, 'NOT_FOUND');
    expectProblem(await fromFetch(await fetch(`${edge.url}/graphql?q=${CANARY}`)), 404, 'NOT_FOUND');
    expectProblem(await fromFetch(await fetch(`${edge.url}/api/v1/auth/login`, { method: 'PUT' })), 404, 'NOT_FOUND');
  });
});

describe('refused by the content-type parsers', () => {
  test('text/plain to /graphql is a 415 problem, not graphql-http\'s empty answer', async () => {
    const response = await fetch(`${edge.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `{ me { id } } # ${CANARY}` });
    const problem = expectProblem(await fromFetch(response), 415, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'headers.content-type', reason: 'unsupported_media_type' }]);
  });

  test('a GraphQL request accepting neither JSON nor GraphQL responses is a 406 problem, not an empty answer', async () => {
    const response = await fetch(`${edge.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/html' }, body: '{"query":"{ __typename }"}' });
    const problem = expectProblem(await fromFetch(response), 406, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'headers.accept', reason: 'not_acceptable' }]);
  });

  test('a form body to a REST route is a 415 problem and reaches no service', async () => {
    const response = await fetch(`${edge.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${encodeURIComponent(CANARY)}&password=x`,
    });
    expectProblem(await fromFetch(response), 415, 'VALIDATION_FAILED');
    expect(fakes.calls).toEqual([]);
  });

  test('JSON in another charset than UTF-8 is a 415 problem', async () => {
    const response = await fetch(`${edge.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin1' },
      body: JSON.stringify({ email: CANARY, password: 'x' }),
    });
    expectProblem(await fromFetch(response), 415, 'VALIDATION_FAILED');
  });

  test('a body over the limit is a 413 problem', async () => {
    const response = await fetch(`${edge.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: CANARY, password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expectProblem(await fromFetch(response), 413, 'PAYLOAD_TOO_LARGE');
  });
});

/** Opens a connection, sends `head`, and collects every byte answered until the connection closes. */
function openRaw(url: string, head: string, { allowHalfOpen = false } = {}) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), allowHalfOpen });
  let received = '';
  let writeError: string | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', (error: NodeJS.ErrnoException) => (writeError = error.code));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  const answered = async (count: number) => {
    for (let waited = 0; received.split(/(?=HTTP\/1\.1 )/).filter(Boolean).length < count && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return received.split(/(?=HTTP\/1\.1 )/).filter(Boolean);
  };
  return { socket, answered, closed, writeError: () => writeError };
}

describe('an answer sent before the body was read', () => {
  // The edge answers 413 as soon as it reads the Content-Length; a client still sending its body
  // must be able to read that answer, not a reset connection (RFC 9112, section 9.6).
  test('declared no larger than the edge accepts anywhere: the rest is read and discarded, the client reads its 413 and the connection serves the next request', async () => {
    const length = 200_000; // over the 64 KB of /graphql, under the 1 MB of every other route
    const raw = openRaw(edge.url, `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
    const [first] = await raw.answered(1);
    expect(first!.slice(0, 12)).toBe('HTTP/1.1 413');
    expect(first).not.toMatch(/\r\nconnection: close\r\n/i);
    // The next request on the connection is answered (a 404 here: no route, no service involved).
    raw.socket.write(`${'['.repeat(length)}GET /nowhere HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const answers = await raw.answered(2);
    expect(answers.map((answer) => answer.slice(0, 12))).toEqual(['HTTP/1.1 413', 'HTTP/1.1 404']);
    expect(raw.writeError()).toBeUndefined();
    raw.socket.destroy();
  });

  test('declared larger than any route accepts, or sent chunked: the edge closes the connection after its 413', async () => {
    const oversized = openRaw(edge.url, `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`);
    const [refusal] = await oversized.answered(1);
    expect(refusal!.slice(0, 12)).toBe('HTTP/1.1 413');
    expect(refusal).toMatch(/\r\nconnection: close\r\n/i);
    await oversized.closed;
    const chunk = `${'['.repeat(100_000)}`;
    const chunked = openRaw(
      edge.url,
      `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    const [chunkedRefusal] = await chunked.answered(1);
    expect(chunkedRefusal!.slice(0, 12)).toBe('HTTP/1.1 413');
    expect(chunkedRefusal).toMatch(/\r\nconnection: close\r\n/i);
    chunked.socket.destroy();
  });

  // Without a Content-Type, no parser waits for the body: the 404 leaves before it.
  test('no route: a body within the limits is discarded and the connection kept; a larger or chunked one closes it', async () => {
    const small = openRaw(edge.url, `POST /nowhere HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 1000\r\n\r\n`);
    const [first] = await small.answered(1);
    if (first === undefined) small.socket.destroy(); // no answer: let the suite's clean-up close the edge
    expect(first?.slice(0, 12)).toBe('HTTP/1.1 404');
    expect(first).not.toMatch(/\r\nconnection: close\r\n/i);
    small.socket.write(`${'x'.repeat(1000)}GET /nowhere HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect((await small.answered(2)).map((answer) => answer.slice(0, 12))).toEqual(['HTTP/1.1 404', 'HTTP/1.1 404']);
    small.socket.destroy();
    // Before, the edge read and discarded whatever came for the whole request timeout (gigabytes over loopback).
    for (const framing of [`Content-Length: ${64 * 1024 * 1024}`, 'Transfer-Encoding: chunked']) {
      const large = openRaw(edge.url, `POST /nowhere HTTP/1.1\r\nHost: ${host}\r\n${framing}\r\n\r\n`);
      const [refusal] = await large.answered(1);
      expect([framing, refusal!.slice(0, 12)]).toEqual([framing, 'HTTP/1.1 404']);
      expect(refusal).toMatch(/\r\nconnection: close\r\n/i);
      await large.closed;
    }
  });

  // A client that writes its whole body at once, as the end-to-end fuzz does, while the edge answers
  // and closes: closing with the body still arriving resets the connection, and the client's next
  // write fails (EPIPE) before it has read the answer. The edge half-closes and reads on for a
  // moment instead (RFC 9112, section 9.6), so that the answer is read.
  test.each([
    ['the router (414: over-long path parameter)', `GET /api/v1/users/${'a'.repeat(150)}`, ['Content-Type: application/json'], 'HTTP/1.1 414'],
    ['the router (400: bad percent-encoding)', 'GET /api/v1/users/x%FF%FE', ['Content-Type: application/json'], 'HTTP/1.1 400'],
    ['the body limit (413)', 'POST /api/v1/auth/login', ['Content-Type: application/json'], 'HTTP/1.1 413'],
    ['no route (404)', 'POST /nowhere', [], 'HTTP/1.1 404'],
    ['the HTTP parser (400: Transfer-Encoding with Content-Length)', 'POST /graphql', ['Content-Type: application/json', 'Transfer-Encoding: chunked'], 'HTTP/1.1 400'],
    ['the HTTP parser (400: a malformed header)', 'POST /graphql', ['Content-Type: application/json', 'Bad Header: x'], 'HTTP/1.1 400'],
  ])('answered early by %s while the client still writes a body larger than any route accepts, the answer is read, not lost to a reset', async (_by, requestLine, headers, expected) => {
    const rounds = 20;
    const outcomes = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [EAGER_WRITER, edge.url, String(rounds), String(4 * 1024 * 1024), requestLine, ...headers], { timeout: 60_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(JSON.parse(outcomes)).toEqual(Array.from({ length: rounds }, () => expected));
  });

  test('a connection closed after an early answer is read from for 2 s at most, even from a client that keeps it half-open and trickles', async () => {
    // allowHalfOpen: this client does not close when the edge's FIN arrives (Node's clients do, which ends the linger at once).
    const raw = openRaw(edge.url, `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`, { allowHalfOpen: true });
    const [refusal] = await raw.answered(1);
    expect(refusal!.slice(0, 12)).toBe('HTTP/1.1 413');
    const started = Date.now();
    const trickle = setInterval(() => raw.socket.writable && raw.socket.write('['), 100);
    await raw.closed;
    clearInterval(trickle);
    const lingered = Date.now() - started;
    expect(lingered).toBeGreaterThanOrEqual(1_500);
    expect(lingered).toBeLessThan(3_500);
  });

  test('a refusal by the router of a request without a body keeps the connection for the next request', async () => {
    const raw = openRaw(edge.url, `GET /api/v1/users/x%FF%FE HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const [refusal] = await raw.answered(1);
    expect(refusal!.slice(0, 12)).toBe('HTTP/1.1 400');
    expect(refusal).not.toMatch(/\r\nconnection: close\r\n/i);
    raw.socket.write(`GET /nowhere HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect((await raw.answered(2)).map((answer) => answer.slice(0, 12))).toEqual(['HTTP/1.1 400', 'HTTP/1.1 404']);
    raw.socket.destroy();
  });

  test('a request sent after the body on a connection the edge is closing is neither answered nor passed on', async () => {
    const errorsBefore = edge.logLines.filter((line) => line.includes('"level":"error"')).length;
    const raw = openRaw(edge.url, `POST /nowhere HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n`, { allowHalfOpen: true });
    const [refusal] = await raw.answered(1);
    expect(refusal!.slice(0, 12)).toBe('HTTP/1.1 404');
    expect(refusal).toMatch(/\r\nconnection: close\r\n/i);
    const login = JSON.stringify({ email: CANARY, password: 'a password of ours', tenant: 'acme' });
    raw.socket.write(`0\r\n\r\nPOST /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${login.length}\r\n\r\n${login}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(raw.socket.readableEnded).toBe(true); // the edge's FIN came
    expect(await raw.answered(1)).toHaveLength(1);
    expect(fakes.calls).toEqual([]);
    // Nor does it reach a hook that needs a live connection (the rate limiter failed on it: "request failed").
    expect(edge.logLines.filter((line) => line.includes('"level":"error"'))).toHaveLength(errorsBefore);
    raw.socket.destroy();
  });

  test('a client that then holds the rest of its body back gets no second answer when the request timeout passes', async () => {
    const strict = await startEdge(nats.url, { GARDIEN_REQUEST_TIMEOUT_MS: '1000' });
    try {
      const raw = openRaw(strict.url, `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n`);
      const [first] = await raw.answered(1);
      expect(first!.slice(0, 12)).toBe('HTTP/1.1 413');
      await raw.closed;
      expect((await raw.answered(1)).map((answer) => answer.slice(0, 12))).toEqual(['HTTP/1.1 413']);
    } finally {
      await strict.close();
    }
  });
});

test('every refusal is logged by its status and request id, none with the path, a header or the body', () => {
  const statuses = edge.logLines.map((line) => JSON.parse(line) as { status?: number; requestId?: string }).filter((entry) => entry.requestId !== undefined);
  expect(new Set(statuses.map((entry) => entry.status))).toEqual(new Set([400, 404, 406, 413, 414, 415, 431]));
  expect(edge.logLines.join('')).not.toContain(CANARY);
});

test('a client that sends a Content-Length and holds the body back gets a 408 problem once the request timeout passes', async () => {
  const strict = await startEdge(nats.url, { GARDIEN_REQUEST_TIMEOUT_MS: '1000' });
  try {
    const sentAt = Date.now();
    const answer = fromRaw(
      await rawRequest(strict.url, `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email"`, 8_000),
    );
    expectProblem(answer, 408, 'VALIDATION_FAILED');
    expect(Date.now() - sentAt).toBeLessThan(4_000);
    // A client that gives up in the middle of its body has left: nothing to answer, no refusal logged.
    const leaving = connect({ host: '127.0.0.1', port: Number(new URL(strict.url).port) }).resume();
    leaving.write(`POST /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    leaving.end();
    await new Promise((resolve) => leaving.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refusals = strict.logLines.map((line) => JSON.parse(line) as { msg?: string; status?: number }).filter((entry) => entry.msg === 'request refused by the HTTP parser');
    expect(refusals.map((entry) => entry.status)).toEqual([408]);
  } finally {
    await strict.close();
  }
});

describe('a connection the HTTP parser gave up on', () => {
  const login = JSON.stringify({ email: 'ada@example.org', password: 'correct horse battery staple' });
  const loginHead = (host: string) => `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(login)}\r\n\r\n`;

  beforeEach(() => fakes.on(AUTH_OPERATIONS.login.subject, () => ({ response: { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900 } })));

  test('a request answered 408 in the middle of its body is not executed when the rest of the body arrives during the lingering close', async () => {
    const strict = await startEdge(nats.url, { GARDIEN_REQUEST_TIMEOUT_MS: '1000' });
    try {
      const raw = openRaw(strict.url, `${loginHead(host)}${login.slice(0, 10)}`, { allowHalfOpen: true });
      const [answer] = await raw.answered(1);
      expect(answer!.slice(0, 12)).toBe('HTTP/1.1 408');
      raw.socket.write(login.slice(10));
      await new Promise((resolve) => setTimeout(resolve, 800));
      raw.socket.end();
      await raw.closed;
      expect(fakes.callsTo(AUTH_OPERATIONS.login.subject)).toHaveLength(0);
      expect((await raw.answered(1)).map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 408']);
    } finally {
      await strict.close();
    }
  });

  test("a malformed request pipelined behind one still being answered is not read as that one's answer", async () => {
    const raw = openRaw(edge.url, `${loginHead(host)}${login}GET /api/v1/status/auth HTTP/1.1\r\nHost: ${host}\r\nBad Header: x\r\n\r\n`);
    await raw.closed;
    const answers = await raw.answered(0);
    // Either the login's own answer, or nothing: never a 400 standing for it.
    expect(answers.filter((a) => a.startsWith('HTTP/1.1 400'))).toEqual([]);
  });
});

test('a request arriving on an open connection while the edge shuts down is a 503 problem with Retry-After', async () => {
  const closing = await startEdge(nats.url);
  fakes.on(AUTH_OPERATIONS.login.subject, () => ({ response: { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900 } }));
  const { hostname, port } = new URL(closing.url);
  const socket = connect({ host: hostname, port: Number(port) });
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const body = JSON.stringify({ email: 'ada@example.org', password: 'correct horse battery staple' });
  // A first request in flight (its body not all sent) keeps the connection busy while the edge starts closing...
  socket.write(`POST /api/v1/auth/login HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const closed = closing.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  // ...then the end of its body and a second request, pipelined behind it.
  socket.write(`${body.slice(10)}GET /health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
  await new Promise((resolve) => socket.on('close', resolve));
  await closed;
  const answers = received.split(/(?=HTTP\/1\.1 )/);
  expect(answers.map((answer) => answer.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 503']);
  const refusal = answers[1]!;
  expect(refusal).toMatch(/\r\ncontent-type: application\/problem\+json/i);
  expect(refusal).toMatch(/\r\nretry-after: \d+\r\n/i);
  expect(refusal).toMatch(/\r\nconnection: close\r\n/i);
  expect(JSON.parse(refusal.slice(refusal.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
});
