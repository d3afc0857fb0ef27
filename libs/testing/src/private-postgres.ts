// A PostgreSQL cluster of the test's own (initdb + pg_ctl from the distribution's packages, on a
// free port, data in a temporary directory) that authenticates TCP clients with SCRAM-SHA-256.
// The machine's own server trusts local connections, so it cannot tell a right password from a
// wrong one: tests about credentials run here. The superuser has a password too, and its URL
// (adminUrl) goes over TCP, so that everything a test does as admin is authenticated as well.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

const ROOT = '/usr/lib/postgresql';

export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly superuserPassword: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'gardien-pg-'));
    const cluster = new PrivatePostgres(await freePort(), dir, randomBytes(18).toString('base64url'));
    if (process.getuid?.() === 0) chownSync(dir, postgresId('-u'), postgresId('-g'));
    asPostgres('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256']);
    asPostgres('pg_ctl', ['-D', cluster.dataDir, '-o', `-p ${cluster.port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start']);
    // Over the socket (trusted): the superuser's password, for every TCP connection afterwards.
    const local = new pg.Client({ host: dir, port: cluster.port, user: 'postgres', database: 'postgres' });
    await local.connect();
    try {
      await local.query(`ALTER ROLE postgres PASSWORD '${cluster.superuserPassword}'`);
    } finally {
      await local.end();
    }
    return cluster;
  }

  /** The superuser's URL, over TCP with its password (SCRAM). */
  get adminUrl(): string {
    return `postgres://postgres:${this.superuserPassword}@127.0.0.1:${this.port}/postgres`;
  }

  async dispose(): Promise<void> {
    try {
      asPostgres('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }
}

function binDir(): string {
  if (!existsSync(ROOT)) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
  return join(ROOT, readdirSync(ROOT).sort((a, b) => Number(a) - Number(b)).at(-1)!, 'bin');
}

function postgresId(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres']).toString().trim());
}

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root). */
function asPostgres(tool: string, args: string[]): void {
  const command = [join(binDir(), tool), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'ignore' });
  else execFileSync('sh', ['-c', command], { stdio: 'ignore' });
}
