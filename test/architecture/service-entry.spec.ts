// Every long-running process begins the same way: reflect-metadata (Nest's decorators need it
// before any class is defined), then the DateTimeFormat deferral, before NestJS is imported
// (libs/bootstrap/src/date-time-format-deferral.ts: about 8 MiB of idle memory per process).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SERVICES } from '@gardien/contracts';

const ROOT = join(import.meta.dirname, '..', '..');

const importsOf = (source: string) => [...source.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)].map((match) => match[1]);

test('the import reader sees side-effect and named imports in order', () => {
  expect(importsOf("import 'a';\nimport { b } from 'b';\nimport type { C } from \"c\";\n")).toEqual(['a', 'b', 'c']);
});

test.each(ALL_SERVICES)('%s: main imports reflect-metadata, then the DateTimeFormat deferral, before anything else', (service) => {
  const source = readFileSync(join(ROOT, 'apps', service, 'src', 'main.ts'), 'utf8');
  expect(importsOf(source).slice(0, 2)).toEqual(['reflect-metadata', '@gardien/bootstrap/defer-date-time-format']);
});
