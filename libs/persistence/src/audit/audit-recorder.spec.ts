// Every audit entry is built the same way, whoever records it: the actor from the verified caller
// (or the account an open operation acted on, or a part of the system), the platform tenant as
// none, the request id only when it is a UUID, the target of the type its action takes.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ErrorCode, PLATFORM_TENANT_ID, callerOf, type Principal } from '@gardien/contracts';
import { AuditRecorder, auditEntryOf, type AuditEvent } from './audit-recorder.js';

const tenantId = randomUUID();
const requestId = randomUUID();
const user: Principal = { kind: 'user', id: randomUUID(), tenantId, roles: ['tenant_admin'], mfa: true };
const apiKey: Principal = { kind: 'api_key', id: randomUUID(), tenantId, roles: ['service'], mfa: false, purposes: ['support'] };
const authService: Principal = { kind: 'service', id: 'auth', tenantId: null, roles: [], mfa: false };
const created: AuditEvent = { action: 'user.created', tenantId, targetId: randomUUID() };

test('a verified caller is the actor: a user as a user, an API key or a service as a service, by id', () => {
  expect(auditEntryOf('auth', callerOf(user, { requestId }), created).actor).toEqual({ type: 'user', id: user.id });
  expect(auditEntryOf('auth', callerOf(apiKey, { requestId }), created).actor).toEqual({ type: 'service', id: apiKey.id });
  expect(auditEntryOf('tenant', callerOf(authService, { requestId }), { action: 'tenant.created', tenantId, targetId: tenantId }).actor).toEqual({ type: 'service', id: 'auth' });
});

test('an account an open operation acted on, or a part of the system, is the actor when nobody is verified', () => {
  const account = randomUUID();
  expect(auditEntryOf('auth', { user: account, scope: { requestId } }, { action: 'login.succeeded', tenantId, targetId: randomUUID() })).toMatchObject({
    actor: { type: 'user', id: account },
    requestId,
  });
  expect(auditEntryOf('auth', { system: 'unknown-account', scope: { requestId } }, { action: 'login.failed', outcome: 'failure', tenantId })).toMatchObject({
    actor: { type: 'system', id: 'unknown-account' },
    outcome: 'failure',
    target: null,
  });
  expect(auditEntryOf('auth', { system: 'retention-purge' }, { action: 'retention.purged', tenantId, targetId: 'auth-sessions' }).requestId).toBeNull();
});

test('the platform tenant is recorded as no tenant; any other tenant as itself', () => {
  const superadmin = callerOf({ ...user, tenantId: null, roles: ['superadmin'] }, { requestId });
  expect(auditEntryOf('auth', superadmin, { ...created, tenantId: PLATFORM_TENANT_ID }).tenantId).toBeNull();
  expect(auditEntryOf('auth', superadmin, created).tenantId).toBe(tenantId);
});

test('a request id is recorded only when it is a UUID (a ULID, valid for logs, is not kept)', () => {
  expect(auditEntryOf('auth', callerOf(user, { requestId }), created).requestId).toBe(requestId);
  expect(auditEntryOf('auth', callerOf(user, { requestId: '01JDQ4B3Y7ZK5M8N9P0QRSTVWX' }), created).requestId).toBeNull();
});

test('the target has the type the catalogue gives the action, and the entry carries what happened', () => {
  const entry = auditEntryOf('auth', callerOf(user, { requestId }), { ...created, details: { tenantAdmin: true } });
  expect(entry).toEqual({
    id: expect.any(String),
    occurredAt: expect.any(String),
    service: 'auth',
    action: 'user.created',
    outcome: 'success',
    tenantId,
    actor: { type: 'user', id: user.id },
    target: { type: 'user', id: created.targetId },
    details: { tenantAdmin: true },
    requestId,
  });
});

test('details that are not ids, counts or flags are refused, naming the place and not the value', () => {
  const refusal = (() => {
    try {
      return auditEntryOf('auth', callerOf(user, { requestId }), { ...created, details: { note: 'Jean Dupont' } });
    } catch (error) {
      return error;
    }
  })();
  // `details` is a record: its keys are not field names of the schema, so the place stops at the record.
  expect(refusal).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ path: 'audit.details.*', reason: 'invalid_union' }] });
  expect(JSON.stringify(refusal)).not.toContain('Jean');
});

test('the type system refuses an action outside the catalogue and a target the action does not take', () => {
  const caller = callerOf(user, { requestId });
  // @ts-expect-error not an action of the catalogue
  expect(() => auditEntryOf('auth', caller, { action: 'user.exported', tenantId, targetId: randomUUID() })).toThrow();
  // @ts-expect-error user.created names its user
  expect(() => auditEntryOf('auth', caller, { action: 'user.created', tenantId })).toThrow();
  // @ts-expect-error a failed login names no target
  expect(() => auditEntryOf('auth', caller, { action: 'login.failed', tenantId, targetId: randomUUID() })).toThrow(/names no target/);
});

test('an entry is appended to the outbox of the open transaction, under its service and action', async () => {
  const statements: unknown[][] = [];
  const manager = { queryRunner: { isTransactionActive: true }, query: async (_sql: string, parameters: unknown[]) => void statements.push(parameters) } as unknown as EntityManager;
  const entry = await new AuditRecorder('auth').record(manager, callerOf(user, { requestId }), created);
  expect(statements).toHaveLength(1);
  // One row: the columns of a multi-row insert, each an array of one.
  const [ids, subjects, payloads] = statements[0] as string[][];
  expect([ids, subjects, payloads!.map((payload) => JSON.parse(payload) as unknown)]).toEqual([[entry.id], ['gardien.audit.auth.user.created'], [entry]]);
});
