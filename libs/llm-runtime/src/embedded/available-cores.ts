// How many cores the process may really use: the machine's, narrowed by a cgroup v2 CPU quota
// (`cpu.max`, what `docker run --cpus` and compose's `cpus:` set). llama.cpp's default of four
// threads or more on a two-core machine made generation about a thousand times slower here:
// threads are sized to this number instead.
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
