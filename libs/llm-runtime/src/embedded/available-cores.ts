// How many cores the process may really use: the machine's, narrowed by a cgroup v2 CPU quota
// (`cpu.max`, what `docker run --cpus` and compose's `cpus:` set), and how many llama.cpp threads
// that makes. llama.cpp's threads spin while they wait for each other: its default of four threads
// or more on a two-core machine made generation about a thousand times slower here, and even two
// threads on two cores stalled it (minutes for a hundred short answers) as soon as other processes
// wanted the cores (load 10), where one thread kept 1,100 tokens/s. Half the cores, then: the
// gateway's own work (the PII scans) and the host's other services keep the rest.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** `max 100000` (no quota) or `<quota> <period>`, in microseconds. */
export function coresOfQuota(cpuMax: string): number | undefined {
  const [quota, period] = cpuMax.trim().split(/\s+/);
  if (quota === undefined || quota === 'max' || period === undefined) return undefined;
  const cores = Number(quota) / Number(period);
  return Number.isFinite(cores) && cores > 0 ? Math.max(1, Math.floor(cores)) : undefined;
}

export function availableCores(readCpuMax: () => string = () => readFileSync('/sys/fs/cgroup/cpu.max', 'utf8')): number {
  const machine = availableParallelism();
  let quota: number | undefined;
  try {
    quota = coresOfQuota(readCpuMax());
  } catch {
    // no cgroup v2 file: the machine's count stands
  }
  return Math.max(1, Math.min(machine, quota ?? machine));
}

/** llama.cpp's threads by default: half the cores available, one at least (GARDIEN_EMBEDDED_THREADS overrides it). */
export function defaultEmbeddedThreads(cores: number = availableCores()): number {
  return Math.max(1, Math.floor(cores / 2));
}
