// Starts a platform the way `gardien start` does: first the provisioning step (the built
// `gardien provision`, with the administrator's URL, which no service gets), then the built
// services as real processes (node apps/<service>/dist/main.js), each with its own credentials
// only (the files provisioning wrote for it), its own master key and key directory. Keeps every
// line each process writes on stdout and stderr: tests read them for readiness and for the canary
// check, benchmarks read their timings.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { containsReadyLine, sharedEnvironment } from '@gardien/bootstrap';
import { ALL_SERVICES, SERVICE_NODE_FLAGS, isBusService, type ServiceName } from '@gardien/contracts';
import { auditCollectionDir, awaitAuditLogged, keepAuditCollection, loggedAuditRows, outboxAuditRows, type AuditCollection } from './audit-collection.js';
import { freePort } from './free-port.js';
import { ADMIN_URL } from './test-databases.js';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** How long a stop waits for the audit log to hold what the outboxes hold (relay and intake take well under a second). */
const AUDIT_SETTLE_MS = 20_000;

export interface PlatformOptions {
  databasePrefix: string;
  /** The administrator's URL given to the provisioning step only (default: the test databases' ADMIN_URL). */
  adminUrl?: string;
  natsUrl?: string;
  services?: readonly ServiceName[];
  /** Environment of every service process. */
  env?: Record<string, string>;
  /** Environment of one service only (its NATS seed, say). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Node.js flags of one service only, after the usual ones (`--cpu-prof`, say, which NODE_OPTIONS refuses). */
  serviceNodeFlags?: Partial<Record<ServiceName, readonly string[]>>;
  /** Environment of the provisioning step only (the provisioner's NATS seed, say). */
  provisionEnv?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** What `gardien provision` printed: the part the harness reads. */
interface ProvisionOutput {
  databases: Array<{ service: string; credentials: { runtime: string; maintenance?: string } }>;
}

export interface ProvisionRun {
  code: number | null;
  /** The JSON object printed on stdout, if any. */
  report: unknown;
}

export interface CapturedLine {
  process: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

interface RunningProcess {
  name: string;
  service: ServiceName;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export class PlatformProcesses {
  readonly lines: CapturedLine[] = [];
  private readonly running = new Map<string, RunningProcess>();
  private readonly env: Record<string, string>;
  private readonly serviceEnv: Partial<Record<ServiceName, Record<string, string>>>;
  /** Each provisioned service's own variables: its credential files, its master key, its key directory. */
  private readonly ownEnv = new Map<ServiceName, Record<string, string>>();
  readonly httpPort: number;
  /** Whether audit ran, and its log caught up, at the last stop of running processes (kept when the suite keeps what platforms audit). */
  private auditAtStop: Pick<AuditCollection, 'auditRunning' | 'settledMs'> | undefined;

  /** The platform's own secrets: the credentials provisioning wrote, each service's master key and keystore. */
  readonly dataDir = mkdtempSync(join(tmpdir(), 'gardien-platform-'));

  private constructor(
    private readonly options: PlatformOptions,
    httpPort: number,
    private readonly readyTimeoutMs: number,
  ) {
    this.httpPort = httpPort;
    this.serviceEnv = options.serviceEnv ?? {};
    this.env = {
      GARDIEN_NATS_URL: options.natsUrl ?? 'nats://127.0.0.1:4222',
      GARDIEN_HTTP_PORT: String(httpPort),
      GARDIEN_METRICS_PORT: '0',
      ...options.env,
    };
  }

  static async start(options: PlatformOptions): Promise<PlatformProcesses> {
    const platform = new PlatformProcesses(options, await freePort(), options.readyTimeoutMs ?? 30_000);
    const services = options.services ?? ALL_SERVICES;
    try {
      const withDatabases = services.filter(isBusService);
      const provisioned = await platform.provision(withDatabases.length > 0 ? ['--only', ...withDatabases] : []);
      if (provisioned.code !== 0) throw new Error(`gardien provision exited with code ${provisioned.code}:\n${platform.tail('provision')}`);
      platform.keepCredentials(provisioned.report as ProvisionOutput);
      await Promise.all(services.filter((s) => s !== 'edge-api').map((service) => platform.launch(service, service)));
      if (services.includes('edge-api')) await platform.launch('edge-api', 'edge-api');
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  get edgeUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /**
   * Runs `gardien provision` (as `gardien start` does) for this platform, with the administrator's
   * URL, writing the credentials under the platform's folder. Its lines are kept as process
   * "provision"; its JSON report is returned with its exit code.
   */
  async provision(args: string[] = []): Promise<ProvisionRun> {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js'), 'provision', '--secrets-dir', join(this.dataDir, 'secrets'), ...args], {
      cwd: REPO_ROOT,
      env: {
        ...sharedEnvironment(process.env),
        GARDIEN_DATABASE_ADMIN_URL: this.adminUrl,
        GARDIEN_DATABASE_PREFIX: this.options.databasePrefix,
        GARDIEN_NATS_URL: this.env.GARDIEN_NATS_URL!,
        ...this.options.provisionEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const code = await this.follow('provision', child);
    const printed = this.lines.filter((entry) => entry.process === 'provision' && entry.stream === 'stdout').at(-1);
    let report: unknown;
    try {
      report = printed ? JSON.parse(printed.line) : undefined;
    } catch {
      report = undefined;
    }
    return { code, report };
  }

  /** Starts one process of a service under a name of its own (a second replica, say). */
  async launch(service: ServiceName, name: string, env: Record<string, string> = {}): Promise<void> {
    if (this.running.has(name)) throw new Error(`process ${name} is already running`);
    if (isBusService(service) && !this.ownEnv.has(service)) throw new Error(`${service} was not provisioned`);
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...(this.options.serviceNodeFlags?.[service] ?? []), join(REPO_ROOT, 'apps', service, 'dist', 'main.js')], {
      cwd: REPO_ROOT,
      env: { ...sharedEnvironment(process.env), ...this.env, ...this.ownEnv.get(service), ...this.serviceEnv[service], GARDIEN_INSTANCE_ID: name, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // 'close' comes after the output pipes are drained: no line written before exiting is missed.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const entry: RunningProcess = { name, service, child, exited };
    this.running.set(name, entry);
    void exited.then(() => {
      if (this.running.get(name) === entry) this.running.delete(name);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready after ${this.readyTimeoutMs} ms:\n${this.tail(name)}`)), this.readyTimeoutMs);
      const onLine = (stream: 'stdout' | 'stderr') => {
        let pending = '';
        const source = stream === 'stdout' ? child.stdout : child.stderr;
        source?.once('end', () => {
          if (pending) this.lines.push({ process: name, stream, line: pending });
        });
        return (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          const parts = pending.split('\n');
          pending = parts.pop() ?? '';
          for (const line of parts) {
            this.lines.push({ process: name, stream, line });
            if (containsReadyLine(line)) {
              clearTimeout(timer);
              resolve();
            }
          }
        };
      };
      child.stdout?.on('data', onLine('stdout'));
      child.stderr?.on('data', onLine('stderr'));
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} before it was ready:\n${this.tail(name)}`));
      });
    });
  }

  /** Kills a process (SIGKILL by default: a crash, not a clean stop) and waits for its exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const entry = this.running.get(name);
    if (!entry) throw new Error(`no running process named ${name}`);
    entry.child.kill(signal);
    return entry.exited;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  /** Stops every process with SIGTERM, then SIGKILL after the deadline. */
  async stop(deadlineMs = 10_000): Promise<void> {
    const entries = [...this.running.values()];
    if (entries.length > 0) await this.noteAuditBeforeStop(entries);
    for (const entry of entries) entry.child.kill('SIGTERM');
    const timer = setTimeout(() => entries.forEach((entry) => entry.child.kill('SIGKILL')), deadlineMs);
    await Promise.all(entries.map((entry) => entry.exited));
    clearTimeout(timer);
  }

  /** Stops everything and deletes the platform's key material. */
  async dispose(): Promise<void> {
    await this.stop();
    try {
      await this.keepAuditEntries();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  /** Every line written by every process so far, as one text. */
  allOutput(): string {
    return this.lines.map((entry) => entry.line).join('\n');
  }

  /**
   * Before processes stop, when the suite keeps what its platforms audit: whether an audit process
   * is among them, and if so, the wait until its log holds every entry of the outboxes.
   */
  private async noteAuditBeforeStop(entries: readonly RunningProcess[]): Promise<void> {
    if (!auditCollectionDir()) return;
    const auditRunning = entries.some((entry) => entry.service === 'audit');
    const settledMs = auditRunning ? await awaitAuditLogged(this.options.databasePrefix, this.adminUrl, AUDIT_SETTLE_MS).catch(() => null) : null;
    this.auditAtStop = { auditRunning, settledMs };
  }

  /** What the platform audited, kept for the suite's last spec (audit-collection.ts), before its databases are dropped. */
  private async keepAuditEntries(): Promise<void> {
    const dir = auditCollectionDir();
    if (!dir) return;
    const prefix = this.options.databasePrefix;
    // The spec file that runs, as jest's expect knows it (undeclared here: the lib does not build against jest's types).
    const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
    keepAuditCollection(dir, {
      platform: prefix,
      spec: testPath ? relative(REPO_ROOT, testPath) : null,
      auditRunning: this.auditAtStop?.auditRunning ?? false,
      settledMs: this.auditAtStop?.settledMs ?? null,
      outbox: await outboxAuditRows(prefix, this.adminUrl),
      log: await loggedAuditRows(prefix, this.adminUrl),
    });
  }

  private get adminUrl(): string {
    return this.options.adminUrl ?? ADMIN_URL;
  }

  /** Each bus service's credential files (from provisioning's report) and its own, new, master key and key directory. */
  private keepCredentials(report: ProvisionOutput): void {
    for (const { service, credentials } of report.databases) {
      if (!isBusService(service)) continue;
      const masterKeyFile = join(this.dataDir, 'master-keys', `${service}.key`);
      mkdirSync(join(this.dataDir, 'master-keys'), { recursive: true, mode: 0o700 });
      writeFileSync(masterKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
      this.ownEnv.set(service, {
        GARDIEN_DATABASE_URL_FILE: credentials.runtime,
        ...(credentials.maintenance ? { GARDIEN_MAINTENANCE_DATABASE_URL_FILE: credentials.maintenance } : {}),
        GARDIEN_MASTER_KEY_FILE: masterKeyFile,
        GARDIEN_DATA_DIR: join(this.dataDir, 'keys', service),
      });
    }
  }

  /** Keeps every line of a one-shot process and resolves with its exit code. */
  private follow(name: string, child: ChildProcess): Promise<number | null> {
    for (const stream of ['stdout', 'stderr'] as const) {
      let pending = '';
      const source = child[stream];
      source?.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts) this.lines.push({ process: name, stream, line });
      });
      source?.once('end', () => {
        if (pending) this.lines.push({ process: name, stream, line: pending });
      });
    }
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
  }

  private tail(name: string): string {
    return this.lines
      .filter((entry) => entry.process === name)
      .slice(-20)
      .map((entry) => entry.line)
      .join('\n');
  }
}
