// The credentials `gardien provision` hands to each service, one file per credential under
// `<secrets>/<service>/` (directory 0700, files 0600, written whole or not at all): the service
// is given the file (GARDIEN_DATABASE_URL_FILE...), never the value on a command line. A file
// written by an earlier run is kept and its password reused, so that running the step again
// changes nothing a running service holds; the role's password is then set to it again.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newRolePassword } from '@gardien/persistence';
import { ProvisionError } from './provision-error.js';

export const CREDENTIAL_FILES = {
  /** The runtime role's URL: GARDIEN_DATABASE_URL_FILE of the service. */
  runtime: 'database.url',
  /** The maintenance role's URL, only for a service that purges: GARDIEN_MAINTENANCE_DATABASE_URL_FILE. */
  maintenance: 'maintenance-database.url',
} as const;

export type CredentialKind = keyof typeof CREDENTIAL_FILES;

export class CredentialFiles {
  constructor(private readonly secretsDir: string) {}

  fileOf(service: string, kind: CredentialKind): string {
    return join(this.secretsDir, service, CREDENTIAL_FILES[kind]);
  }

  /** The password an earlier run wrote for this role, or a new one. */
  passwordFor(service: string, kind: CredentialKind, role: string): string {
    const file = this.fileOf(service, kind);
    if (!existsSync(file)) return newRolePassword();
    let url: URL;
    try {
      url = new URL(readFileSync(file, 'utf8').trim());
    } catch {
      throw new ProvisionError('config', `${file} is not a database URL: move it away and run again`);
    }
    if (decodeURIComponent(url.username) !== role) throw new ProvisionError('config', `${file} holds the credentials of another role: move it away and run again`);
    return url.password ? decodeURIComponent(url.password) : newRolePassword();
  }

  write(service: string, kind: CredentialKind, url: string): string {
    const directory = join(this.secretsDir, service);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    chmodSync(directory, 0o700);
    const file = this.fileOf(service, kind);
    const pending = `${file}.${process.pid}.tmp`;
    rmSync(pending, { force: true });
    writeFileSync(pending, `${url}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(pending, file);
    return file;
  }

  /** A credential the service no longer needs (it stopped purging) is not left lying around. */
  remove(service: string, kind: CredentialKind): void {
    rmSync(this.fileOf(service, kind), { force: true });
  }
}
