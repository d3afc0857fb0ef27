// The cores llama.cpp's threads are sized to: the machine's, narrowed by a cgroup v2 quota.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { availableCores, coresOfQuota, defaultEmbeddedThreads } from './available-cores.js';

describe('coresOfQuota', () => {
  it.each([
    ['max 100000', undefined],
    ['max 100000\n', undefined],
    ['200000 100000', 2],
    ['200000 100000\n', 2],
    ['50000 100000', 1],
    ['150000 100000', 1],
    ['250000 100000', 2],
    ['400000 50000', 8],
    ['0 100000', undefined],
    ['-100000 100000', undefined],
    ['100000 0', undefined],
    ['100000', undefined],
    ['', undefined],
    ['garbage', undefined],
    ['lots of cores', undefined],
    ['200000 abc', undefined],
    ['Infinity 1', undefined],
  ])('%j gives %p', (cpuMax, cores) => {
    expect(coresOfQuota(cpuMax)).toBe(cores);
  });

  it('any text gives undefined or a whole number of cores of at least one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.double(), fc.double()).map(([quota, period]) => `${quota} ${period}`)), (cpuMax) => {
        const cores = coresOfQuota(cpuMax);
        if (cores !== undefined) expect(Number.isInteger(cores) && cores >= 1).toBe(true);
      }),
    );
  });
});

describe('availableCores', () => {
  const machine = availableParallelism();

  it('is the machine’s count when the cgroup file cannot be read', () => {
    expect(
      availableCores(() => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }),
    ).toBe(machine);
  });

  it('is the machine’s count with no quota or an unreadable one', () => {
    expect(availableCores(() => 'max 100000\n')).toBe(machine);
    expect(availableCores(() => 'garbage')).toBe(machine);
  });

  it('is the quota when it is below the machine’s count, never more than the machine, never less than one', () => {
    expect(availableCores(() => '100000 100000')).toBe(1);
    expect(availableCores(() => '10000 100000')).toBe(1);
    expect(availableCores(() => `${(machine + 8) * 100000} 100000`)).toBe(machine);
  });

  it('reads /sys/fs/cgroup/cpu.max by default, and gives a count between one and the machine’s', () => {
    const cores = availableCores();
    expect(cores).toBeGreaterThanOrEqual(1);
    expect(cores).toBeLessThanOrEqual(machine);
  });
});

describe('defaultEmbeddedThreads', () => {
  it('is half the cores, one at least: llama.cpp’s spinning threads stall when they want every core', () => {
    expect([1, 2, 3, 4, 8, 64].map((cores) => defaultEmbeddedThreads(cores))).toEqual([1, 1, 1, 2, 4, 32]);
  });
});
