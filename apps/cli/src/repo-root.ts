import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Gardien installation this CLI belongs to: the nearest folder up whose package.json is "gardien". */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'gardien') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Gardien installation folder');
    dir = parent;
  }
}
