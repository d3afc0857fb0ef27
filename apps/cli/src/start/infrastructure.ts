// Postgres and NATS for `gardien start`: the configured ones when they answer; otherwise, when the
// URL points at this machine, local ones started from the distribution's packages
// (nats-server; PostgreSQL's pg_ctlcluster or initdb/pg_ctl). Nothing is downloaded.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';

export interface Endpoint {
  host: string;
  port: number;
}

export function endpointOf(url: string, defaultPort: number): Endpoint {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
}

export function isLocal({ host }: Endpoint): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

export function answers({ host, port }: Endpoint, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

export async function waitUntilAnswers(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(endpoint, 500)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Starts a nats-server with JetStream, owned by this process. */
export function startLocalNats(endpoint: Endpoint, dataDir: string): ChildProcess {
  const binary = which('nats-server');
  if (!binary) {
    throw new Error('NATS does not answer and nats-server is not installed (Debian: apt-get install nats-server)');
  }
  const storeDir = join(dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  return spawn(binary, ['-a', endpoint.host, '-p', String(endpoint.port), '-js', '-sd', storeDir], { stdio: 'ignore' });
}

/**
 * Starts PostgreSQL: the distribution's cluster when there is one (pg_ctlcluster), else a
 * cluster of our own under the data folder (initdb + pg_ctl, trust authentication on localhost).
 */
export function startLocalPostgres(endpoint: Endpoint, dataDir: string): void {
  const clusters = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (clusters.length > 0 && which('pg_ctlcluster')) {
    const version = clusters.sort().at(-1)!;
    const result = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
    if (result.status === 0) return;
  }
  const binDir = postgresBinDir();
  if (!binDir) {
    throw new Error('PostgreSQL does not answer and is not installed (Debian: apt-get install postgresql)');
  }
  const pgData = join(dataDir, 'postgres');
  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    mkdirSync(pgData, { recursive: true, mode: 0o700 });
    const init = spawnSync(join(binDir, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { stdio: 'inherit' });
    if (init.status !== 0) throw new Error('initdb failed');
  }
  const start = spawnSync(
    join(binDir, 'pg_ctl'),
    ['-D', pgData, '-l', join(dataDir, 'postgres.log'), '-o', `-p ${endpoint.port} -k /tmp -c listen_addresses=${endpoint.host}`, '-w', 'start'],
    { stdio: 'inherit' },
  );
  if (start.status !== 0) throw new Error('pg_ctl start failed');
}

function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const version = readdirSync(root).sort((a, b) => Number(a) - Number(b)).at(-1);
    if (version && existsSync(join(root, version, 'bin', 'initdb'))) return join(root, version, 'bin');
  }
  const initdb = which('initdb');
  return initdb ? join(initdb, '..') : undefined;
}
