// Runs the services as child processes of `gardien start`: bus services first, the edge last,
// their JSON log lines passed through. Stops them all with SIGTERM on Ctrl-C or SIGTERM, and
// with SIGKILL whatever is still running at the deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { containsReadyLine } from '@gardien/bootstrap';
import { SERVICE_NODE_FLAGS, type ServiceName } from '@gardien/contracts';

export interface SupervisedService {
  name: ServiceName;
  /** The whole environment of the process: nothing of the supervisor's own is added to it. */
  env: Record<string, string>;
}

export const STOP_DEADLINE_MS = 9_000;

export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly root: string,
    private readonly report: (line: string) => void,
  ) {}

  /** Starts a service and resolves once it has logged that it is ready. */
  start(service: SupervisedService, readyTimeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(this.root, 'apps', service.name, 'dist', 'main.js')], {
      cwd: this.root,
      env: service.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.children.set(service.name, child);
    return new Promise((resolve, reject) => {
      let ready = false;
      let pending = '';
      const timer = setTimeout(() => reject(new Error(`${service.name} was not ready within ${readyTimeoutMs} ms`)), readyTimeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        process.stdout.write(chunk);
        if (ready) return;
        pending += chunk.toString('utf8');
        if (containsReadyLine(pending)) {
          ready = true;
          pending = '';
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        this.children.delete(service.name);
        clearTimeout(timer);
        if (!ready) reject(new Error(`${service.name} exited (${signal ?? code}) before it was ready`));
        else if (!this.stopping) this.report(`${service.name} exited (${signal ?? code}); /health reports it down`);
      });
    });
  }

  async stopAll(deadlineMs = STOP_DEADLINE_MS): Promise<void> {
    this.stopping = true;
    const running = [...this.children.values()];
    const exits = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of running) child.kill('SIGTERM');
    const timer = setTimeout(() => running.forEach((child) => child.kill('SIGKILL')), deadlineMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }
}
