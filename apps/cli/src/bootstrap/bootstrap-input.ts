// What `gardien bootstrap` is asked to do: the options, the passwords (from the environment or a
// private file, never from the command line), checked against the bus contract before anything
// connects. Messages name the option or the source at fault, never a value.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { BootstrapRequest } from '@gardien/contracts';
import type { z } from 'zod';

export const PASSWORD_VARIABLE = 'GARDIEN_BOOTSTRAP_PASSWORD';

/** The options as commander parsed them. */
export interface BootstrapOptions {
  adminEmail: string;
  tenant?: string;
  tenantName?: string;
  tenantAdminEmail?: string;
  passwordFile?: string;
}

/** The command was called wrongly: exit 64 (EX_USAGE) with this message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Passwords {
  admin: string;
  /** Present when the source gave a second password (two lines in the file). */
  tenantAdmin?: string;
  /** Where each password came from, to name it in messages. */
  adminSource: string;
  tenantAdminSource: string;
}

/** Two passwords of 128 characters and their line ends fit easily; a bigger file is not a password file. */
const MAX_PASSWORD_FILE_BYTES = 1024;

const TENANT_OPTIONS = ['--tenant', '--tenant-name', '--tenant-admin-email'] as const;

export function readBootstrapRequest(options: BootstrapOptions, env: NodeJS.ProcessEnv): BootstrapRequest {
  const tenantGiven = requireTenantOptionsTogether(options);
  const passwords = readPasswords(options, env);
  if (passwords.tenantAdmin !== undefined && !tenantGiven) {
    throw new UsageError('--password-file holds two passwords but no --tenant is given: the second one would not be used');
  }
  const candidate = {
    admin: { email: options.adminEmail, password: passwords.admin },
    ...(tenantGiven
      ? {
          tenant: {
            slug: options.tenant,
            name: options.tenantName,
            admin: { email: options.tenantAdminEmail, password: passwords.tenantAdmin ?? passwords.admin },
          },
        }
      : {}),
  };
  const parsed = BootstrapRequest.safeParse(candidate);
  if (!parsed.success) throw new UsageError(`invalid input: ${parsed.error.issues.map((issue) => describeIssue(issue, passwords)).join('; ')}`);
  return parsed.data;
}

/** `--tenant`, `--tenant-name` and `--tenant-admin-email` come all together or not at all. */
function requireTenantOptionsTogether(options: BootstrapOptions): boolean {
  const values = { '--tenant': options.tenant, '--tenant-name': options.tenantName, '--tenant-admin-email': options.tenantAdminEmail };
  const missing = TENANT_OPTIONS.filter((option) => values[option] === undefined);
  if (missing.length === 0) return true;
  if (missing.length === TENANT_OPTIONS.length) return false;
  throw new UsageError(`${TENANT_OPTIONS.join(', ')} go together: missing ${missing.join(', ')}`);
}

function readPasswords(options: BootstrapOptions, env: NodeJS.ProcessEnv): Passwords {
  const fromEnv = env[PASSWORD_VARIABLE];
  const envGiven = fromEnv !== undefined && fromEnv !== '';
  if (envGiven && options.passwordFile !== undefined) {
    throw new UsageError(`give the passwords either in ${PASSWORD_VARIABLE} or with --password-file, not both`);
  }
  if (options.passwordFile !== undefined) {
    const [admin, tenantAdmin] = readPasswordFile(options.passwordFile);
    return tenantAdmin === undefined
      ? { admin, adminSource: '--password-file', tenantAdminSource: '--password-file' }
      : { admin, tenantAdmin, adminSource: 'line 1 of --password-file', tenantAdminSource: 'line 2 of --password-file' };
  }
  if (envGiven) return { admin: fromEnv, adminSource: PASSWORD_VARIABLE, tenantAdminSource: PASSWORD_VARIABLE };
  throw new UsageError(`no password given: set ${PASSWORD_VARIABLE} or pass --password-file FILE (a password is never taken from the command line)`);
}

/**
 * The passwords of a password file: one line (both accounts) or two (super-admin, then tenant
 * admin), the final line end ignored. Like ssh with a private key, a file that group or others
 * may read or write is refused: its secret may already be known. The path is never echoed, in
 * case a password was typed in its place.
 */
export function readPasswordFile(path: string): [string] | [string, string] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`cannot open --password-file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() && !stat.isFIFO()) throw new UsageError('--password-file is neither a regular file nor a pipe');
    if ((stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new UsageError(`--password-file is accessible by group or others (mode ${mode}): refused; make it private with chmod 600`);
    }
    if (stat.isFile() && stat.size > MAX_PASSWORD_FILE_BYTES) throw new UsageError('--password-file is too large to be a password file');
    return passwordLines(readFileSync(fd, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

function passwordLines(content: string): [string] | [string, string] {
  if (content.length > MAX_PASSWORD_FILE_BYTES) throw new UsageError('--password-file is too large to be a password file');
  const lines = content.replace(/\r?\n$/, '').split(/\r?\n/);
  if (lines.length === 1 && lines[0] === '') throw new UsageError('--password-file is empty');
  if (lines.length === 1) return [lines[0]!];
  if (lines.length === 2) return [lines[0]!, lines[1]!];
  throw new UsageError(
    `--password-file must hold one line (the password of both accounts) or two (the super-admin's, then the tenant admin's); it holds ${lines.length}`,
  );
}

/** Names what is wrong, by option or password source, and why, never with the value. */
function describeIssue(issue: z.core.$ZodIssue, passwords: Passwords): string {
  const field = issue.path.join('.');
  const labels: Record<string, string> = {
    'admin.email': '--admin-email',
    'admin.password': `the super-admin's password (${passwords.adminSource})`,
    'tenant.slug': '--tenant',
    'tenant.name': '--tenant-name',
    'tenant.admin.email': '--tenant-admin-email',
    'tenant.admin.password': `the tenant admin's password (${passwords.tenantAdminSource})`,
  };
  return `${labels[field] ?? field} ${reasonOf(issue, field)}`;
}

function reasonOf(issue: z.core.$ZodIssue, field: string): string {
  if (issue.code === 'too_small') return Number(issue.minimum) <= 1 ? 'is empty' : `is too short (at least ${String(issue.minimum)} characters)`;
  if (issue.code === 'too_big') return `is too long (at most ${String(issue.maximum)} characters)`;
  if (issue.code !== 'invalid_format') return 'is not valid';
  if (field === 'tenant.slug') return 'must be 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen';
  return field.endsWith('email') ? 'is not a valid email address' : 'is not in the expected format';
}
