// What the figures were measured on: they mean little without it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The 1-minute load average: other work on the machine skews every figure, so it is recorded. */
export function loadAverage() {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

/**
 * @returns {{cores: number, cpuModel: string, memoryGiB: number, node: string, kernel: string, commit: string}}
 */
export function describeMachine() {
  return {
    cores: os.availableParallelism(), // what `nproc` prints (honours CPU affinity)
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    commit: gitCommit(),
  };
}

function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match ? match[1].trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The commit measured, with "+dirty" when the working tree had changes. */
function gitCommit() {
  try {
    const git = (/** @type {string[]} */ ...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}
