// What each platform of the e2e suite audited, kept for the suite's last spec
// (test/e2e/zz-audit-catalogue.e2e-spec.ts): when a PlatformProcesses stops, while its databases
// still exist, every audit entry each service wrote to its outbox and every row of its audit log,
// appended as one JSON line to a file of the suite's own folder (AUDIT_COLLECTION_VARIABLE, made by
// the e2e configuration's global setup). Outside that configuration nothing is kept.
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { STREAMS } from '@gardien/contracts';
import { databasesOf } from './database-dumps.js';

/** The folder in which the e2e suite keeps what its platforms audited. */
export const AUDIT_COLLECTION_VARIABLE = 'GARDIEN_TEST_AUDIT_DIR';
const COLLECTION_FILE = 'audit-collections.jsonl';
/** Subjects of stream AUDIT: gardien.audit.<service>.<action>. */
const AUDIT_SUBJECTS = STREAMS.AUDIT.subjects[0].replace(/>$/, '');

/** An audit entry as a service wrote it to its outbox, with the entry's text (the row's payload). */
export interface OutboxAuditRow {
  database: string;
  id: string;
  action: string;
  published: boolean;
  text: string;
}

/** A row of the audit service's log, with the entry's text as it was hashed. */
export interface LoggedAuditRow {
  tenantId: string;
  index: number;
  id: string;
  action: string;
  text: string;
}

export interface AuditCollection {
  /** The platform's database prefix. */
  platform: string;
  /** The spec file that ran it. */
  spec: string | null;
  /**
   * Whether an audit process was running when the platform's processes were stopped (the last time
   * any were). Only then must every entry of its outboxes be in its log: a spec that never started
   * the audit service, or stopped it for good, leaves entries waiting in stream AUDIT.
   */
  auditRunning: boolean;
  /** How long the log took to hold every entry of the outboxes before the stop; null if it did not. */
  settledMs: number | null;
  outbox: OutboxAuditRow[];
  log: LoggedAuditRow[];
}

/** The spec files of the run, as the e2e configuration's sequencer saw them (test/e2e/suite/audit-catalogue-last.js). */
export const E2E_SPECS_VARIABLE = 'GARDIEN_TEST_E2E_SPECS';
/** The test-name filter of the run, if any (set by the e2e global setup). */
export const E2E_NAME_FILTER_VARIABLE = 'GARDIEN_TEST_E2E_NAME_FILTER';

export interface E2eRunScope {
  /** Every spec file of the folder runs, every test of them. */
  whole: boolean;
  /** Why not, when not. */
  partial: string[];
}

/** Whether the run holds every spec file of `specDir` (and every test of them). */
export function e2eRunScope(specDir: string, env: NodeJS.ProcessEnv = process.env): E2eRunScope {
  const running = new Set<string>(JSON.parse(env[E2E_SPECS_VARIABLE] ?? '[]') as string[]);
  const left = readdirSync(specDir).filter((file) => file.endsWith('.e2e-spec.ts') && !running.has(file));
  const filter = env[E2E_NAME_FILTER_VARIABLE];
  const partial = [...(left.length > 0 ? [`not run: ${left.join(', ')}`] : []), ...(filter ? [`tests filtered by name: ${filter}`] : [])];
  return { whole: partial.length === 0, partial };
}

/** The folder of the e2e suite's collections, when the suite keeps them. */
export function auditCollectionDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[AUDIT_COLLECTION_VARIABLE] || undefined;
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function inDatabase<T>(adminUrl: string, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(adminUrl, database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function hasTable(client: pg.Client, table: string): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  return rows[0]!.present;
}

/** The audit entries of every outbox of the prefix's databases. */
export async function outboxAuditRows(prefix: string, adminUrl: string): Promise<OutboxAuditRow[]> {
  const rows: OutboxAuditRow[] = [];
  for (const database of await databasesOf(prefix, adminUrl)) {
    const found = await inDatabase(adminUrl, database, async (client) => {
      if (!(await hasTable(client, 'gardien_outbox'))) return [];
      const result = await client.query<Omit<OutboxAuditRow, 'database'>>(
        `SELECT id::text AS id, payload->>'action' AS action, published_at IS NOT NULL AS published, payload::text AS text
           FROM gardien_outbox WHERE starts_with(subject, $1) ORDER BY created_at, id`,
        [AUDIT_SUBJECTS],
      );
      return result.rows;
    });
    rows.push(...found.map((row) => ({ database, ...row })));
  }
  return rows;
}

/** Every row of the audit log of the prefix's audit database (none if it has none). */
export async function loggedAuditRows(prefix: string, adminUrl: string): Promise<LoggedAuditRow[]> {
  const database = `${prefix}_audit`;
  if (!(await databasesOf(prefix, adminUrl)).includes(database)) return [];
  return inDatabase(adminUrl, database, async (client) => {
    if (!(await hasTable(client, 'audit_entries'))) return [];
    const result = await client.query<LoggedAuditRow>(
      `SELECT tenant_id::text AS "tenantId", idx::int AS index, id::text AS id, action, entry AS text
         FROM audit_entries ORDER BY tenant_id, idx`,
    );
    return result.rows;
  });
}

/**
 * Waits until the audit log holds every entry of the outboxes (the relay and the intake take a
 * moment). Answers how long that took, or null if it did not happen within `timeoutMs`.
 */
export async function awaitAuditLogged(prefix: string, adminUrl: string, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    const logged = new Set((await loggedAuditRows(prefix, adminUrl)).map((row) => row.id));
    const pending = (await outboxAuditRows(prefix, adminUrl)).filter((row) => !logged.has(row.id));
    if (pending.length === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return null;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Appends one platform's collection to the suite's file. */
export function keepAuditCollection(dir: string, collection: AuditCollection): void {
  appendFileSync(join(dir, COLLECTION_FILE), `${JSON.stringify(collection)}\n`);
}

/** Every collection kept in the folder so far. */
export function readAuditCollections(dir: string): AuditCollection[] {
  const file = join(dir, COLLECTION_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditCollection);
}
