// A stand-in for Vault's Transit engine, for tests on a machine without Vault. It follows the
// Transit HTTP API as documented (and as Vault's own source answers): JSON bodies, responses
// wrapped in `{ data }`, ciphertexts `vault:v<version>:<base64(nonce|ciphertext|tag)>` under
// AES-256-GCM, plaintexts in base64, key versions, min_decryption_version, deletion_allowed,
// errors as `{ errors: [...] }` with Vault's status codes and messages. It can be switched to
// answer as a sealed Vault (503), to deny every token (403), or to never answer; and it can be
// stopped and started again on the same port with its keys intact.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeVaultMode = 'normal' | 'sealed' | 'denied' | 'silent';

export interface RecordedRequest {
  method: string;
  path: string;
  token: string | undefined;
  body: Record<string, unknown>;
}

interface TransitKey {
  versions: Map<number, { key: Buffer; created: number }>;
  latestVersion: number;
  minDecryptionVersion: number;
  deletionAllowed: boolean;
}

interface Answer {
  status: number;
  body?: unknown;
}

const NAME = /^\w(?:[\w.@-]*\w)?$/;

export class FakeVaultTransitServer {
  mode: FakeVaultMode = 'normal';
  readonly requests: RecordedRequest[] = [];
  private readonly keys = new Map<string, TransitKey>();
  private readonly tokens = new Set<string>();
  private readonly appRoles = new Map<string, string>();
  private server: Server | undefined;
  private port = 0;

  constructor(options: { rootToken?: string } = {}) {
    if (options.rootToken) this.tokens.add(options.rootToken);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Registers an AppRole; a login with these ids gets a fresh token. */
  addAppRole(roleId: string, secretId: string): void {
    this.appRoles.set(roleId, secretId);
  }

  /** Forgets every token (as when tokens expire); AppRole clients must log in again. */
  revokeAllTokens(): void {
    this.tokens.clear();
  }

  hasKey(name: string): boolean {
    return this.keys.has(name);
  }

  async start(): Promise<string> {
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    if (this.mode === 'silent') return; // never answers; the client must time out
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return send(response, { status: 400, body: { errors: ['failed to parse JSON input'] } });
    }
    const path = new URL(request.url ?? '/', 'http://vault').pathname;
    const tokenHeader = request.headers['x-vault-token'];
    const token = typeof tokenHeader === 'string' && tokenHeader !== '' ? tokenHeader : undefined;
    this.requests.push({ method: request.method ?? '', path, token, body });
    send(response, this.answer(request.method ?? 'GET', path, token, body));
  }

  private answer(method: string, path: string, token: string | undefined, body: Record<string, unknown>): Answer {
    if (this.mode === 'sealed') return { status: 503, body: { errors: ['Vault is sealed'] } };
    const write = method === 'POST' || method === 'PUT';
    if (write && path === '/v1/auth/approle/login') return this.login(body);
    if (this.mode === 'denied' || !token || !this.tokens.has(token)) return { status: 403, body: { errors: ['permission denied'] } };

    const match = /^\/v1\/transit\/(keys|datakey\/(?:plaintext|wrapped)|decrypt|rewrap)\/([^/]+)(?:\/(rotate|config))?$/.exec(path);
    if (!match || !NAME.test(match[2])) return unsupported();
    const [, area, name, action] = match;
    if (area === 'keys' && action === 'rotate' && write) return this.rotate(name);
    if (area === 'keys' && action === 'config' && write) return this.configure(name, body);
    if (area === 'keys' && !action && write) return this.create(name, body);
    if (area === 'keys' && !action && method === 'GET') return this.read(name);
    if (area === 'keys' && !action && method === 'DELETE') return this.remove(name);
    if (area.startsWith('datakey/') && write) return this.dataKey(name, area.endsWith('plaintext'), body);
    if (area === 'decrypt' && write) return this.decrypt(name, body);
    if (area === 'rewrap' && write) return this.rewrap(name, body);
    return unsupported();
  }

  private login(body: Record<string, unknown>): Answer {
    const roleId = body['role_id'];
    const secretId = body['secret_id'];
    if (typeof roleId !== 'string' || typeof secretId !== 'string' || this.appRoles.get(roleId) !== secretId) {
      return { status: 400, body: { errors: ['invalid role or secret ID'] } };
    }
    const clientToken = `hvs.${randomBytes(18).toString('base64url')}`;
    this.tokens.add(clientToken);
    return {
      status: 200,
      body: {
        ...envelope(null),
        auth: { client_token: clientToken, accessor: randomUUID(), policies: ['default'], lease_duration: 2764800, renewable: true },
      },
    };
  }

  private create(name: string, body: Record<string, unknown>): Answer {
    const type = body['type'] ?? 'aes256-gcm96';
    if (type !== 'aes256-gcm96') return error(`unknown key type ${String(type)}`);
    if (!this.keys.has(name)) {
      this.keys.set(name, {
        versions: new Map([[1, { key: randomBytes(32), created: now() }]]),
        latestVersion: 1,
        minDecryptionVersion: 1,
        deletionAllowed: false,
      });
    }
    return this.read(name);
  }

  private read(name: string): Answer {
    const key = this.keys.get(name);
    if (!key) return { status: 404, body: { errors: [] } };
    const keys: Record<string, number> = {};
    for (const [version, { created }] of key.versions) if (version >= key.minDecryptionVersion) keys[String(version)] = created;
    return {
      status: 200,
      body: envelope({
        name,
        type: 'aes256-gcm96',
        deletion_allowed: key.deletionAllowed,
        derived: false,
        exportable: false,
        allow_plaintext_backup: false,
        keys,
        latest_version: key.latestVersion,
        min_available_version: 0,
        min_decryption_version: key.minDecryptionVersion,
        min_encryption_version: 0,
        supports_encryption: true,
        supports_decryption: true,
        supports_derivation: true,
        supports_signing: false,
        auto_rotate_period: 0,
        imported_key: false,
      }),
    };
  }

  private rotate(name: string): Answer {
    const key = this.keys.get(name);
    if (!key) return error('key not found');
    key.latestVersion += 1;
    key.versions.set(key.latestVersion, { key: randomBytes(32), created: now() });
    return this.read(name);
  }

  private configure(name: string, body: Record<string, unknown>): Answer {
    const key = this.keys.get(name);
    if (!key) return error(`no existing key named ${name} could be found`);
    const minDecryption = body['min_decryption_version'];
    if (minDecryption !== undefined) {
      if (typeof minDecryption !== 'number' || minDecryption < 0) return error('min decryption version cannot be negative');
      const wanted = Math.max(1, minDecryption);
      if (wanted > key.latestVersion) {
        return error(`cannot set min decryption version of ${wanted}, latest key version is ${key.latestVersion}`);
      }
      key.minDecryptionVersion = wanted;
    }
    const deletionAllowed = body['deletion_allowed'];
    if (typeof deletionAllowed === 'boolean') key.deletionAllowed = deletionAllowed;
    return this.read(name);
  }

  private remove(name: string): Answer {
    const key = this.keys.get(name);
    if (!key) return error(`error deleting policy ${name}: could not delete key; not found`);
    if (!key.deletionAllowed) return error(`error deleting policy ${name}: deletion is not allowed for this key`);
    this.keys.delete(name);
    return { status: 204 };
  }

  private dataKey(name: string, withPlaintext: boolean, body: Record<string, unknown>): Answer {
    const key = this.keys.get(name);
    if (!key) return error('encryption key not found');
    const bits = body['bits'] ?? 256;
    if (bits !== 128 && bits !== 256 && bits !== 512) return error('invalid bit length');
    const plaintext = randomBytes(bits / 8);
    const data: Record<string, unknown> = { ciphertext: seal(key, plaintext), key_version: key.latestVersion };
    if (withPlaintext) data['plaintext'] = plaintext.toString('base64');
    return { status: 200, body: envelope(data) };
  }

  private decrypt(name: string, body: Record<string, unknown>): Answer {
    const opened = this.openCiphertext(name, body);
    if ('status' in opened) return opened;
    return { status: 200, body: envelope({ plaintext: opened.plaintext.toString('base64') }) };
  }

  private rewrap(name: string, body: Record<string, unknown>): Answer {
    const opened = this.openCiphertext(name, body);
    if ('status' in opened) return opened;
    return { status: 200, body: envelope({ ciphertext: seal(opened.key, opened.plaintext), key_version: opened.key.latestVersion }) };
  }

  /** What decrypt and rewrap share: the named key, and the request's ciphertext opened under it. */
  private openCiphertext(name: string, body: Record<string, unknown>): Answer | { key: TransitKey; plaintext: Buffer } {
    const key = this.keys.get(name);
    if (!key) return error('encryption key not found');
    const ciphertext = body['ciphertext'];
    if (typeof ciphertext !== 'string' || ciphertext === '') return error('missing ciphertext to decrypt');
    const opened = open(key, ciphertext);
    if (typeof opened === 'string') return error(opened);
    return { key, plaintext: opened };
  }
}

function seal(key: TransitKey, plaintext: Buffer): string {
  const material = key.versions.get(key.latestVersion)!.key;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', material, nonce);
  const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `vault:v${key.latestVersion}:${sealed.toString('base64')}`;
}

/** The plaintext, or Vault's error message. */
function open(key: TransitKey, ciphertext: string): Buffer | string {
  if (!ciphertext.startsWith('vault:v')) return 'invalid ciphertext: no prefix';
  const [versionText, payload] = ciphertext.slice('vault:v'.length).split(':', 2);
  const version = Number(versionText);
  if (!Number.isInteger(version) || payload === undefined) return 'invalid ciphertext: version number could not be decoded';
  if (version > key.latestVersion) return 'invalid ciphertext: version is too new';
  if (version < key.minDecryptionVersion) return 'ciphertext or signature version is disallowed by policy (too old)';
  const bytes = Buffer.from(payload, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.versions.get(version)!.key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  } catch {
    return 'cipher: message authentication failed';
  }
}

function envelope(data: unknown): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null };
}

function error(message: string): Answer {
  return { status: 400, body: { errors: [message] } };
}

function unsupported(): Answer {
  return { status: 404, body: { errors: ['1 error occurred:\n\t* unsupported path\n\n'] } };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function send(response: ServerResponse, answer: Answer): void {
  if (answer.body === undefined) {
    response.writeHead(answer.status).end();
    return;
  }
  response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
