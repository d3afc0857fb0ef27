// The product's own TypeScript sources (apps and libs), relative to the repository root: no tests,
// no build output, no test helpers (the `testing` folders and libs/testing).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'testing') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !/\.(int-|e2e-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

export function productSources(): string[] {
  return [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))].map((file) => relative(ROOT, file));
}
