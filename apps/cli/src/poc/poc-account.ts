// Who the proof of concept is on the platform. It is given the tenant admin (the account `gardien
// bootstrap` creates, with its TOTP secret from bootstrap's output), and makes for itself what an
// application of the tenant would have: the model allowed in the tenant's settings (added to those
// already allowed), a purpose of processing of its own (`poc-gardien`), and a `user` account with a
// random password, created for this run and deleted at its end with the documents it stored.
// Secrets come from the environment or from private files, never from the command line; none is
// printed.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { BootstrapResult } from '@gardien/contracts';
import type { EdgeAnswer, EdgeClient } from './edge-client.js';

export const PASSWORD_VARIABLES = ['GARDIEN_POC_ADMIN_PASSWORD', 'GARDIEN_BOOTSTRAP_PASSWORD'] as const;
export const POC_PURPOSE = 'poc-gardien';
const TOTP_STEP_MS = 30_000;
const CALL_TIMEOUT_MS = 30_000;

/** The command was called wrongly or without what it needs: exit 64. */
export class PocUsageError extends Error {
  override readonly name = 'PocUsageError';
}

/** The platform answered, but not as the proof of concept needs to run (login refused, model not served...): exit 2. */
export class PocSetupError extends Error {
  override readonly name = 'PocSetupError';
}

export interface AdminCredentials {
  tenant: string;
  tenantId: string | undefined;
  email: string;
  password: string;
  /** base32, from the otpauth URI; or a code typed once. */
  totpSecret: string | undefined;
  totpCode: string | undefined;
}

export interface AccountOptions {
  bootstrapFile?: string;
  tenant?: string;
  adminEmail?: string;
}

export function readAdminCredentials(options: AccountOptions, env: NodeJS.ProcessEnv): AdminCredentials {
  const bootstrap = options.bootstrapFile === undefined ? undefined : readBootstrapFile(options.bootstrapFile);
  const tenant = options.tenant ?? env.GARDIEN_POC_TENANT ?? bootstrap?.slug;
  const email = options.adminEmail ?? env.GARDIEN_POC_ADMIN_EMAIL;
  const password = PASSWORD_VARIABLES.map((variable) => env[variable]).find((value) => value !== undefined && value !== '');
  const totpSecret = env.GARDIEN_POC_TOTP_SECRET || (bootstrap ? secretOf(bootstrap.admin.totp_uri) : undefined);
  const totpCode = env.GARDIEN_POC_TOTP || undefined;
  const missing = [
    ...(tenant ? [] : ['the tenant (--tenant, GARDIEN_POC_TENANT, or --bootstrap-file)']),
    ...(email ? [] : ["the tenant admin's email (--admin-email or GARDIEN_POC_ADMIN_EMAIL)"]),
    ...(password ? [] : [`the tenant admin's password (${PASSWORD_VARIABLES.join(' or ')}; never on the command line)`]),
    ...(totpSecret || totpCode ? [] : ["the tenant admin's second factor (--bootstrap-file, GARDIEN_POC_TOTP_SECRET, or a current code in GARDIEN_POC_TOTP)"]),
  ];
  if (missing.length > 0) throw new PocUsageError(`missing ${missing.join('; ')}`);
  return { tenant: tenant!, tenantId: bootstrap?.id, email: email!, password: password!, totpSecret, totpCode };
}

/** bootstrap's output holds TOTP secrets: like a password file, it must be private (mode 0600). */
function readBootstrapFile(path: string): { id: string; slug: string; admin: { totp_uri: string } } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new PocUsageError(`cannot open --bootstrap-file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new PocUsageError(`--bootstrap-file holds TOTP secrets and is readable by others (mode ${mode.toString(8).padStart(4, '0')}): make it private with chmod 600`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(fd, 'utf8'));
    } catch {
      throw new PocUsageError('--bootstrap-file is not the JSON that gardien bootstrap prints');
    }
    const result = BootstrapResult.safeParse(parsed);
    if (!result.success) throw new PocUsageError('--bootstrap-file is not the JSON that gardien bootstrap prints');
    if (!result.data.tenant) throw new PocUsageError('--bootstrap-file has no tenant: bootstrap was run without --tenant');
    return result.data.tenant;
  } finally {
    closeSync(fd);
  }
}

function secretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new PocUsageError('--bootstrap-file: the tenant admin’s otpauth URI has no secret');
  return secret;
}

/** What the run set up, to use and to undo. */
export interface PocAccount {
  tenantId: string;
  userId: string;
  userToken: string;
  /** The model was added to the tenant's allowed models by this run (it stays allowed). */
  modelAllowed: boolean;
  purposeCreated: boolean;
}

const problemOf = (answer: EdgeAnswer): string => {
  const body = answer.body as { reason?: string; code?: string } | undefined;
  return `HTTP ${answer.status}${body?.reason ? `, ${body.reason}` : body?.code ? `, ${body.code}` : ''}`;
};

function demand(answer: EdgeAnswer, statuses: number[], what: string): EdgeAnswer {
  if (!statuses.includes(answer.status)) throw new PocSetupError(`${what}: ${problemOf(answer)}`);
  return answer;
}

export class PocAccounts {
  private adminToken = '';
  private refreshToken = '';

  constructor(
    private readonly edge: EdgeClient,
    private readonly credentials: AdminCredentials,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Logs in as the tenant admin and prepares the tenant for the scenario. */
  async setUp(model: string): Promise<PocAccount> {
    await this.logInAdmin();
    const tenantId = this.credentials.tenantId ?? tenantOfToken(this.adminToken);
    const settings = demand(await this.admin('GET', `/api/v1/tenants/${tenantId}/settings`), [200], 'reading the tenant settings as its admin').body as { allowed_models?: string[] };
    const allowed = settings.allowed_models ?? [];
    const modelAllowed = !allowed.includes(model);
    if (modelAllowed) demand(await this.admin('PATCH', `/api/v1/tenants/${tenantId}/settings`, { allowed_models: [...allowed, model] }), [200], 'allowing the model in the tenant settings');
    const purpose = { id: POC_PURPOSE, name: 'Preuve de concept Gardien (données fictives)', legal_basis: 'legitimate_interests', description: 'gardien poc run: scenario on fictitious data generated by the project' };
    const purposeCreated = demand(await this.admin('POST', '/api/v1/purposes', purpose), [201, 409], 'declaring the purpose poc-gardien').status === 201;
    const email = `poc-${randomBytes(6).toString('hex')}@poc.gardien.example`;
    const password = randomBytes(24).toString('base64url');
    const user = demand(await this.admin('POST', '/api/v1/users', { email, password, roles: ['user'] }), [201], 'creating the account of the proof of concept').body as { id: string };
    const login = demand(await this.edge.call('POST', '/api/v1/auth/login', { body: { email, password, tenant: this.credentials.tenant }, timeoutMs: CALL_TIMEOUT_MS }), [200], 'logging in as the account of the proof of concept');
    return { tenantId, userId: user.id, userToken: (login.body as { access_token: string }).access_token, modelAllowed, purposeCreated };
  }

  /** Deletes the documents (as their owner) and the account. Returns what could not be undone, by description. */
  async tearDown(account: PocAccount, documentIds: readonly string[]): Promise<string[]> {
    const left: string[] = [];
    for (const id of documentIds) {
      const answer = await this.edge.call('DELETE', `/api/v1/documents/${id}`, { token: account.userToken, timeoutMs: CALL_TIMEOUT_MS }).catch(() => undefined);
      if (!answer || answer.status >= 300) left.push(`document ${id}`);
    }
    await this.refreshAdmin();
    const deleted = await this.admin('DELETE', `/api/v1/users/${account.userId}`).catch(() => undefined);
    if (!deleted || deleted.status >= 300) left.push(`user ${account.userId}`);
    return left;
  }

  private admin(method: string, path: string, body?: unknown): Promise<EdgeAnswer> {
    return this.edge.call(method, path, { token: this.adminToken, timeoutMs: CALL_TIMEOUT_MS, ...(body !== undefined ? { body } : {}) });
  }

  /** A code is accepted once: a refusal with a code of the secret is tried again with the next one (the run before may have used this one). */
  private async logInAdmin(): Promise<void> {
    const { email, password, tenant, totpSecret, totpCode } = this.credentials;
    const attempt = async (totp: string) => this.edge.call('POST', '/api/v1/auth/login', { body: { email, password, tenant, totp }, timeoutMs: CALL_TIMEOUT_MS });
    let answer = await attempt(totpCode ?? (await generate({ secret: totpSecret! })));
    if (answer.status === 401 && totpSecret && !totpCode) {
      await this.wait(TOTP_STEP_MS - (Date.now() % TOTP_STEP_MS) + 1_000);
      answer = await attempt(await generate({ secret: totpSecret }));
    }
    demand(answer, [200], 'logging in as the tenant admin (email, password, tenant and second factor)');
    const tokens = answer.body as { access_token: string; refresh_token: string };
    this.adminToken = tokens.access_token;
    this.refreshToken = tokens.refresh_token;
  }

  /** Access tokens last 10 minutes: the clean-up after a long scenario asks for a new one. */
  private async refreshAdmin(): Promise<void> {
    const answer = await this.edge.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: this.refreshToken }, timeoutMs: CALL_TIMEOUT_MS }).catch(() => undefined);
    if (answer?.status !== 200) return;
    const tokens = answer.body as { access_token: string; refresh_token: string };
    this.adminToken = tokens.access_token;
    this.refreshToken = tokens.refresh_token;
  }
}

/** The tenant of an access token (its `tid` claim), read from the token the edge just gave: nothing is trusted from it but the id to address. */
function tenantOfToken(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tid?: unknown };
    if (typeof claims.tid === 'string') return claims.tid;
  } catch {
    // fall through
  }
  throw new PocSetupError('the tenant admin’s token names no tenant: give --bootstrap-file');
}
