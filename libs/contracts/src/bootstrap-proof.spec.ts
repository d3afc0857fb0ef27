import { nkeys } from '@nats-io/transport-node';
import {
  HEADER_BOOTSTRAP_SIGNATURE,
  HEADER_BOOTSTRAP_SIGNER,
  bootstrapProofMessage,
  checkBootstrapProof,
  isUserPublicKey,
  signBootstrapRequest,
  type BootstrapProofInput,
} from './bootstrap-proof.js';
import { encodeRequest } from './wire.js';

const cli = nkeys.createUser();
const cliSeed = new TextDecoder().decode(cli.getSeed());
const cliKey = cli.getPublicKey();
const requestId = '6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b';
const payload = {
  admin: { email: 'root@example.org', password: 'a long enough password' },
  tenant: { slug: 'acme', name: 'Acmé « 1 »', admin: { email: 'admin@acme.example', password: 'another long password' } },
};

/** What auth reads of a request the CLI signed: the headers, and the payload as it parsed it from the packet. */
function received(headers: Record<string, string>, data: unknown = payload, id = requestId): BootstrapProofInput {
  const packet = JSON.parse(encodeRequest('gardien.v1.auth.bootstrap', data)) as { data: unknown };
  return { requestId: id, payload: packet.data, signer: headers[HEADER_BOOTSTRAP_SIGNER], signature: headers[HEADER_BOOTSTRAP_SIGNATURE] };
}

test('a request signed with the CLI’s seed verifies against its public key, once it went through the wire', () => {
  const headers = signBootstrapRequest(cliSeed, requestId, payload);
  expect(headers[HEADER_BOOTSTRAP_SIGNER]).toBe(cliKey);
  expect(checkBootstrapProof(cliKey, received(headers))).toBeUndefined();
});

test('an altered payload does not verify', () => {
  const headers = signBootstrapRequest(cliSeed, requestId, payload);
  const altered = { ...payload, admin: { ...payload.admin, email: 'attacker@example.org' } };
  expect(checkBootstrapProof(cliKey, received(headers, altered))).toBe('bad_signature');
  expect(checkBootstrapProof(cliKey, received(headers, { admin: payload.admin }))).toBe('bad_signature');
});

test('another request id does not verify (a proof belongs to one request)', () => {
  const headers = signBootstrapRequest(cliSeed, requestId, payload);
  expect(checkBootstrapProof(cliKey, received(headers, payload, '7a1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b'))).toBe('bad_signature');
});

test('a request signed with another key is refused, whether it names that key or the CLI’s', () => {
  const other = nkeys.createUser();
  const headers = signBootstrapRequest(new TextDecoder().decode(other.getSeed()), requestId, payload);
  expect(checkBootstrapProof(cliKey, received(headers))).toBe('other_signer');
  expect(checkBootstrapProof(cliKey, received({ ...headers, [HEADER_BOOTSTRAP_SIGNER]: cliKey }))).toBe('bad_signature');
});

test('a missing signature, signer or request id is refused as missing', () => {
  const headers = signBootstrapRequest(cliSeed, requestId, payload);
  expect(checkBootstrapProof(cliKey, received({}))).toBe('missing');
  expect(checkBootstrapProof(cliKey, received({ [HEADER_BOOTSTRAP_SIGNER]: cliKey }))).toBe('missing');
  expect(checkBootstrapProof(cliKey, received({ [HEADER_BOOTSTRAP_SIGNATURE]: headers[HEADER_BOOTSTRAP_SIGNATURE]! }))).toBe('missing');
  // NATS headers read as '' when absent.
  expect(checkBootstrapProof(cliKey, { ...received(headers), signature: '' })).toBe('missing');
  expect(checkBootstrapProof(cliKey, { ...received(headers), requestId: undefined })).toBe('missing');
  expect(checkBootstrapProof(cliKey, { ...received(headers), requestId: 'not-a-request-id' })).toBe('missing');
});

test('a malformed signature is refused, not thrown', () => {
  const headers = signBootstrapRequest(cliSeed, requestId, payload);
  for (const signature of ['AAAA', 'not base64 !', headers[HEADER_BOOTSTRAP_SIGNATURE]!.slice(0, -4)]) {
    expect(checkBootstrapProof(cliKey, { ...received(headers), signature })).toBe('bad_signature');
  }
});

test('the signed bytes are never valid UTF-8, so no NATS server nonce signed with cli.nk can pass for a proof', () => {
  const message = bootstrapProofMessage(requestId, payload);
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(message)).toThrow();
  // What the same key signs when it connects: the nonce's UTF-8 text. The proof text without its first byte is not a proof.
  const asNonce = cli.sign(message.subarray(1));
  expect(checkBootstrapProof(cliKey, { ...received({}), signer: cliKey, signature: Buffer.from(asNonce).toString('base64url') })).toBe('bad_signature');
});

test('only nkey user public keys with a valid checksum are accepted as the CLI’s key', () => {
  expect(isUserPublicKey(cliKey)).toBe(true);
  expect(isUserPublicKey(cliSeed)).toBe(false);
  expect(isUserPublicKey(nkeys.createAccount().getPublicKey())).toBe(false);
  const lastChar = cliKey.at(-1) === 'A' ? 'B' : 'A';
  expect(isUserPublicKey(`${cliKey.slice(0, -1)}${lastChar}`)).toBe(false);
  expect(isUserPublicKey('')).toBe(false);
});
