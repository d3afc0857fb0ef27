// Every installed package supports the Node.js the README documents (package.json "engines"): a
// dependency that needs a newer Node installs with a warning and may fail at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};

test('the documented Node.js range has a floor', () => {
  expect(semver.minVersion(manifest.engines.node)?.version).toBe('20.19.0');
});

test('every locked package accepts the lowest documented Node.js version', () => {
  const floor = semver.minVersion(manifest.engines.node)!.version;
  const refusing = Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/'))
    .flatMap(([path, entry]) => {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      return range && semver.validRange(range) && !semver.satisfies(floor, range) ? [`${path} (node ${range})`] : [];
    });
  expect(refusing).toEqual([]);
});
