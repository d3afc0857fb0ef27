// The repository stands alone: its README and documents send no reader outside it, and every
// relative link they hold leads to a file of the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];

test('the documents exist', () => {
  expect(documents).toEqual(expect.arrayContaining(['README.md', join('docs', 'architecture.md')]));
});

test.each(documents)('%s names no path outside the repository', (document) => {
  const text = readFileSync(join(ROOT, document), 'utf8');
  expect(text.match(/\.\.\/shared|\/work\/|(?<![\w.])\.\.\/(?!\.)/g) ?? []).toEqual([]);
});

test.each(documents)('every relative link of %s resolves to a file of the repository', (document) => {
  const text = readFileSync(join(ROOT, document), 'utf8');
  const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target));
  const broken = links.filter((target) => {
    const path = resolve(dirname(join(ROOT, document)), target);
    return relative(ROOT, path).startsWith('..') || !existsSync(path);
  });
  expect(broken).toEqual([]);
});
