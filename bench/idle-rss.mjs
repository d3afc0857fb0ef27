// Idle memory per service: after the platform has been idle a few seconds, the resident set of
// each process (VmRSS in /proc/<pid>/status, what the target is about) and, for information, its
// proportional share (Pss in /proc/<pid>/smaps_rollup: shared pages such as the node binary
// divided among the processes that map them).
import { readFile } from 'node:fs/promises';
import { ALL_SERVICES } from '@gardien/contracts';

/**
 * @typedef {object} ServiceMemory
 * @property {string} service
 * @property {number} pid
 * @property {number} rssMiB
 * @property {number | null} pssMiB
 */

/**
 * @param {import('@gardien/testing').PlatformProcesses} processes
 * @param {number} idleMs  how long to leave the platform alone first
 * @returns {Promise<ServiceMemory[]>}
 */
export async function idleMemory(processes, idleMs) {
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  return Promise.all(
    ALL_SERVICES.map(async (service) => {
      const pid = processes.pid(service);
      if (pid === undefined) throw new Error(`${service} is not running`);
      return { service, pid, rssMiB: await kibField(`/proc/${pid}/status`, 'VmRSS') / 1024, pssMiB: await pss(pid) };
    }),
  );
}

/** @param {number} pid */
async function pss(pid) {
  try {
    return (await kibField(`/proc/${pid}/smaps_rollup`, 'Pss')) / 1024;
  } catch {
    return null; // smaps_rollup needs Linux 4.14+; Pss is informative only
  }
}

/**
 * Reads a "Name:   1234 kB" field of a /proc file, in KiB.
 * @param {string} file
 * @param {string} field
 */
async function kibField(file, field) {
  const text = await readFile(file, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!match) throw new Error(`no ${field} in ${file}`);
  return Number(match[1]);
}
