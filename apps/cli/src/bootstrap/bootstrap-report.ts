// What `gardien bootstrap` tells its caller: the result as ONE JSON object on stdout (the TOTP
// enrolment URIs are shown there, once), JSON log lines on stderr with ids and codes only (never
// an email, a password or a URI), a one-line message on stderr when it fails, and the exit code.
import { ConfigError } from '@gardien/bootstrap';
import { ErrorCode, GardienError, type BootstrapRequest, type BootstrapResult } from '@gardien/contracts';
import { createLogger, type Logger } from '@gardien/observability';
import { EX_USAGE } from '../usage-errors.js';
import { UsageError } from './bootstrap-input.js';

/** Exit codes (sysexits.h where one fits), documented in the command's help. */
export const EXIT = {
  ok: 0,
  alreadyBootstrapped: 1,
  usage: EX_USAGE,
  unavailable: 69,
  software: 70,
  noPermission: 77,
  config: 78,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0   done: the result is on stdout (one JSON object; the otpauth:// URIs are shown only this once)
  1   the platform is already bootstrapped (a super-admin exists): nothing was changed
  64  bad usage: an option, the password source or an input value is wrong (nothing was sent)
  69  the bus or the auth service is not reachable, or auth did not answer in time
  70  the auth service failed or answered unexpectedly
  77  the bus refused the command line's credentials (GARDIEN_NATS_NKEY_SEED_FILE: cli.nk), or auth
      refused the request (e.g. not signed with the cli.nk whose public key auth was given)
  78  invalid configuration (GARDIEN_NATS_URL, GARDIEN_NATS_NKEY_SEED_FILE...)`;

interface Failure {
  exitCode: number;
  code: string;
  message: string;
}

export interface OutputStream {
  write(chunk: string): unknown;
}

export class BootstrapReport {
  private readonly log: Logger;

  constructor(
    private readonly stdout: OutputStream,
    private readonly stderr: OutputStream,
    private readonly timeoutMs: number,
  ) {
    this.log = createLogger({ service: 'cli', destination: { write: (line: string) => stderr.write(line) } });
  }

  requested(request: BootstrapRequest): void {
    this.log.info({ event: 'bootstrap.requested', with_tenant: request.tenant !== undefined }, 'bootstrap requested');
  }

  done(result: BootstrapResult, durationMs: number): number {
    this.stdout.write(`${JSON.stringify(result)}\n`);
    this.log.info(
      {
        event: 'bootstrap.done',
        superadmin_id: result.superadmin.id,
        ...(result.tenant ? { tenant_id: result.tenant.id, tenant_admin_id: result.tenant.admin.id } : {}),
        duration_ms: durationMs,
      },
      'bootstrap done',
    );
    return EXIT.ok;
  }

  failed(error: unknown): number {
    const failure = this.describe(error);
    this.log.error({ event: 'bootstrap.failed', code: failure.code, exit_code: failure.exitCode }, 'bootstrap failed');
    this.stderr.write(`gardien bootstrap: ${failure.message}\n`);
    return failure.exitCode;
  }

  private describe(error: unknown): Failure {
    if (error instanceof UsageError) return { exitCode: EXIT.usage, code: 'USAGE', message: error.message };
    if (error instanceof ConfigError) return { exitCode: EXIT.config, code: 'CONFIG', message: error.message };
    if (error instanceof GardienError) return this.describeBusError(error);
    // Foreign errors may quote anything they were given: only their kind is shown.
    return { exitCode: EXIT.software, code: ErrorCode.Internal, message: `unexpected failure (${error instanceof Error ? error.name : typeof error})` };
  }

  private describeBusError(error: GardienError): Failure {
    const failure = (exitCode: number, message: string): Failure => ({ exitCode, code: error.code, message });
    switch (error.code) {
      case ErrorCode.Conflict:
        return failure(EXIT.alreadyBootstrapped, 'the platform is already bootstrapped: a super-admin exists');
      case ErrorCode.Unavailable:
        return failure(EXIT.unavailable, `the auth service is not reachable (${error.message}): is \`gardien start\` running?`);
      case ErrorCode.Timeout:
        return failure(EXIT.unavailable, `the auth service did not answer within ${this.timeoutMs / 1000} s: is \`gardien start\` running?`);
      case ErrorCode.Unauthenticated:
        return failure(
          EXIT.noPermission,
          `${error.message}: give it its own nkey seed (cli.nk, written by \`gardien nats-config\`) in GARDIEN_NATS_NKEY_SEED_FILE`,
        );
      case ErrorCode.Forbidden:
        return failure(EXIT.noPermission, `the auth service refused the bootstrap (${error.code}): ${error.message}`);
      case ErrorCode.ValidationFailed:
      case ErrorCode.PayloadTooLarge: {
        const where = (error.details ?? []).map((detail) => detail.path ?? detail.reason).join(', ');
        return failure(EXIT.usage, `the auth service refused the request as invalid${where ? ` (${where})` : ''}`);
      }
      case ErrorCode.MfaRequired:
      case ErrorCode.NotFound:
      case ErrorCode.Gone:
      case ErrorCode.RateLimited:
      case ErrorCode.Internal:
        return failure(EXIT.software, `bootstrap failed (${error.code}): ${error.message}`);
    }
  }
}
