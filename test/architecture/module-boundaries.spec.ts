// The architecture rules of the workspace fail the lint when broken. Each case writes a real
// source file that breaks one rule into the tree, lints it with the workspace's own ESLint
// configuration, expects @nx/enforce-module-boundaries to report it, and removes the file.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

beforeAll(() => {
  // The rule reads the Nx project graph; without it the rule would skip silently.
  execFileSync('npx', ['nx', 'show', 'projects'], { cwd: ROOT, stdio: 'ignore' });
}, 60_000);

async function boundaryErrors(relativePath: string, source: string): Promise<string[]> {
  const file = join(ROOT, relativePath);
  writeFileSync(file, source);
  try {
    const [result] = await eslint.lintFiles([file]);
    return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  } finally {
    rmSync(file, { force: true });
  }
}

const probe = `boundary-probe-${process.pid}.ts`;

test.each([
  ['an app other than llm-gateway imports the model runtime', `apps/edge-api/src/${probe}`, "import type { ModelRuntime } from '@gardien/llm-runtime';\nexport type R = ModelRuntime;\n"],
  ['a library imports the model runtime', `libs/platform/src/${probe}`, "import type { ModelRuntime } from '@gardien/llm-runtime';\nexport type R = ModelRuntime;\n"],
  ['an app imports another app', `apps/tenant/src/${probe}`, "import { AppModule } from '@gardien/auth';\nexport const M = AppModule;\n"],
  ['a library imports an app', `libs/persistence/src/${probe}`, "import { AppModule } from '@gardien/tenant';\nexport const M = AppModule;\n"],
  ['contracts pull in Nest', `libs/contracts/src/${probe}`, "import { Injectable } from '@nestjs/common';\nexport const I = Injectable;\n"],
  ['contracts pull in TypeORM', `libs/contracts/src/${probe}`, "import { DataSource } from 'typeorm';\nexport const D = DataSource;\n"],
  ['product code imports the test helpers', `apps/audit/src/${probe}`, "import { freePort } from '@gardien/testing';\nexport const f = freePort;\n"],
])('lint fails when %s', async (_case, path, source) => {
  expect(await boundaryErrors(path, source)).not.toEqual([]);
});

test('llm-gateway may import the model runtime', async () => {
  const errors = await boundaryErrors(
    `apps/llm-gateway/src/${probe}`,
    "import type { ModelRuntime } from '@gardien/llm-runtime';\nexport type R = ModelRuntime;\n",
  );
  expect(errors).toEqual([]);
});

test('every project carries exactly one type and one model-access tag', () => {
  const projects = ['apps', 'libs'].flatMap((dir) => readdirSync(join(ROOT, dir)).map((name) => join(ROOT, dir, name, 'package.json')));
  for (const file of projects) {
    const tags: string[] = JSON.parse(readFileSync(file, 'utf8')).nx?.tags ?? [];
    expect({ file, types: tags.filter((t) => t.startsWith('type:')).length }).toEqual({ file, types: 1 });
    const access = tags.filter((t) => t.startsWith('model-access:'));
    const expected = file.includes(join('apps', 'llm-gateway')) ? ['model-access:granted'] : ['model-access:denied'];
    expect({ file, access }).toEqual({ file, access: expected });
  }
});

test('lint fails when an app answers a subject with a bare @MessagePattern or reads a bare @Payload', async () => {
  const file = join(ROOT, `apps/audit/src/${probe}`);
  writeFileSync(file, "import { MessagePattern, Payload } from '@nestjs/microservices';\nexport const m = [MessagePattern, Payload];\n");
  try {
    const [result] = await eslint.lintFiles([file]);
    expect((result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports')).toHaveLength(2);
  } finally {
    rmSync(file, { force: true });
  }
});
