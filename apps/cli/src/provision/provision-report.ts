// What `gardien provision` tells its caller: what it did as ONE JSON object on stdout (services,
// databases, migrations applied, the credential files written, and each stream and consumer with
// its outcome: never a secret), JSON log lines on stderr, a one-line message on stderr per failure,
// and the exit code. Foreign errors are described by their kind and code only: a database or bus
// error message may quote a URL or a statement.
import { ConfigError } from '@gardien/bootstrap';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { createLogger, type Logger } from '@gardien/observability';
import { EX_USAGE } from '../usage-errors.js';
import type { DatabaseReport } from './database-step.js';
import type { JetStreamReport } from './jetstream-step.js';
import { ProvisionError, type ProvisionFailureKind } from './provision-error.js';

export const PROVISION_EXIT = { ok: 0, differs: 1, usage: EX_USAGE, unavailable: 69, failed: 70, refused: 77, config: 78 } as const;

export const PROVISION_EXIT_CODES_HELP = `
Exit codes:
  0   done: everything is provisioned as declared (one JSON object on stdout)
  1   done, except streams or durable consumers configured otherwise than declared: listed with the
      properties that differ (outcome "differs", or "update-refused" when the server cannot change
      them in place); they were left as they are. Services refuse to start against them. Run again
      with --update-jetstream, or have an operator delete them and run again
  64  bad usage (an option or a service name)
  69  PostgreSQL or NATS (with JetStream) is not reachable
  70  a step failed: a service's migrations (its log lines are above), or an unexpected answer
  77  PostgreSQL refused the administrator's URL or its rights (it must create roles and databases),
      or the bus refused the provisioner's credentials or one of its JetStream calls
      (GARDIEN_NATS_NKEY_SEED_FILE: the provisioner.nk written by \`gardien nats-config\`)
  78  invalid configuration (GARDIEN_DATABASE_ADMIN_URL, GARDIEN_DATABASE_PREFIX, a credential file
      of an earlier run that is not what it should be...)`;

export interface ProvisionResult extends JetStreamReport {
  databases: DatabaseReport[];
}

export interface OutputStream {
  write(chunk: string): unknown;
}

interface Failure {
  kind: ProvisionFailureKind;
  message: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

export class ProvisionReport {
  private readonly log: Logger;

  constructor(
    private readonly stdout: OutputStream,
    private readonly stderr: OutputStream,
  ) {
    this.log = createLogger({ service: 'provision', destination: { write: (line: string) => stderr.write(line) } });
  }

  databaseDone({ service, database, created, migrationsApplied, credentials }: DatabaseReport): void {
    this.log.info({ event: 'provision.database', service, database, created, applied: migrationsApplied.length, purges: credentials.maintenance !== undefined }, 'database provisioned');
  }

  done(result: ProvisionResult, durationMs: number): number {
    this.stdout.write(`${JSON.stringify(result)}\n`);
    const different = [...result.streams, ...result.consumers].filter((object) => object.differs);
    for (const object of different) {
      this.log.warn({ event: 'provision.differs', stream: object.stream, consumer: object.consumer, outcome: object.outcome, properties: object.differs }, 'not configured as declared');
    }
    this.log.info({ event: 'provision.done', services: result.databases.length, differs: different.length, duration_ms: durationMs }, 'provisioning done');
    if (different.length === 0) return PROVISION_EXIT.ok;
    this.stderr.write(`gardien provision: ${different.map((o) => o.consumer ?? o.stream).join(', ')} not configured as declared (left as they are; see --update-jetstream)\n`);
    return PROVISION_EXIT.differs;
  }

  failed(errors: unknown[]): number {
    const failures = errors.map(describe);
    for (const failure of failures) {
      this.log.error({ event: 'provision.failed', kind: failure.kind }, 'provisioning failed');
      this.stderr.write(`gardien provision: ${failure.message}\n`);
    }
    return PROVISION_EXIT[failures[0]?.kind ?? 'failed'];
  }
}

function describe(error: unknown): Failure {
  if (error instanceof ProvisionError) return { kind: error.kind, message: error.message };
  if (error instanceof ConfigError) return { kind: 'config', message: error.message };
  if (error instanceof GardienError && error.code === ErrorCode.Unauthenticated) return { kind: 'refused', message: error.message };
  if (error instanceof GardienError && error.code === ErrorCode.Unavailable) return { kind: 'unavailable', message: error.message };
  const { name, code } = error instanceof Error ? (error as Error & { code?: unknown }) : { name: typeof error, code: undefined };
  if (typeof code === 'string' && UNREACHABLE.has(code)) return { kind: 'unavailable', message: `the database server is not reachable (${code})` };
  if (code === '28P01' || code === '28000') return { kind: 'refused', message: `the database server refused the administrator’s credentials (${code}): check GARDIEN_DATABASE_ADMIN_URL` };
  if (code === '42501') return { kind: 'refused', message: 'the administrator’s role may not create roles or databases (42501)' };
  if (isPermissionViolation(error)) return { kind: 'refused', message: 'the bus refused a JetStream call of the provisioner: give it its own seed (provisioner.nk) in GARDIEN_NATS_NKEY_SEED_FILE' };
  if (name.startsWith('JetStreamNotEnabled')) return { kind: 'unavailable', message: 'JetStream is not enabled on the bus' };
  return { kind: 'failed', message: `unexpected failure (${name}${typeof code === 'string' ? ` ${code}` : ''})` };
}

function isPermissionViolation(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth += 1) {
    if (cause.name === 'PermissionViolationError' || /Permissions Violation/i.test(cause.message)) return true;
  }
  return false;
}
