// A nats-server of the test's own, on a free port, with JetStream storage in a temporary
// directory that survives stop/start: for tests that take NATS down and bring it back.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port.js';

export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? 'nats-server';

export class PrivateNats {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly storeDir: string,
    private readonly configFile?: string,
  ) {}

  /** `configFile`: a full nats-server configuration (users, JetStream storage); the port still comes from here. */
  static async start(configFile?: string): Promise<PrivateNats> {
    const nats = new PrivateNats(await freePort(), mkdtempSync(join(tmpdir(), 'gardien-nats-')), configFile);
    await nats.resume();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server again on the same port and storage. */
  async resume(): Promise<void> {
    if (this.child) return;
    const storage = this.configFile ? ['-c', this.configFile] : ['-js', '-sd', this.storeDir];
    const child = spawn(NATS_SERVER_BIN, [...storage, '-a', '127.0.0.1', '-p', String(this.port)], {
      stdio: 'ignore',
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitFor(() => portAccepts(this.port), 10_000, `nats-server on port ${this.port}`);
  }

  /** Stops the server (SIGTERM) and waits for its port to close. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
    await waitFor(async () => !(await portAccepts(this.port)), 5_000, 'nats-server port to close');
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
