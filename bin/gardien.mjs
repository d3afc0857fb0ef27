#!/usr/bin/env node
// Entry of the `gardien` command (the root package's bin). Builds the workspace once if it has
// not been built yet (right after `npm ci`), then hands over to the compiled CLI.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps', 'cli', 'dist', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write('[gardien] first run: building the workspace (tsc -b)...\n');
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    process.stderr.write('[gardien] build failed; run `npm run build` to see why\n');
    process.exit(1);
  }
}
await import(cli);
