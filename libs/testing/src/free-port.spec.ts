import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralPortsStart, freePort } from './free-port.js';

describe('freePort', () => {
  it('never hands out a port of the range the kernel gives to outgoing connections', async () => {
    const start = ephemeralPortsStart();
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(start);
    }
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('reads the start of the ephemeral range, and falls back to the usual one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gardien-ports-'));
    writeFileSync(join(dir, 'range'), '40000\t60999\n');
    expect(ephemeralPortsStart(join(dir, 'range'))).toBe(40_000);
    expect(ephemeralPortsStart(join(dir, 'missing'))).toBe(32_768);
    writeFileSync(join(dir, 'garbage'), 'x y');
    expect(ephemeralPortsStart(join(dir, 'garbage'))).toBe(32_768);
  });
});
