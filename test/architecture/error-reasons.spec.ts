// Every module's domain reasons, read from the `*.errors.ts` files of apps and libs as they are:
// each reason snake_case and defined by one module only (two modules giving one reason two codes
// would leave clients unable to branch on it), and the README's table of reasons listing exactly
// these, with their code, HTTP status and module. Each check is first shown to catch what it is for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorReasons, isErrorReason, type ErrorCode } from '@gardien/contracts';
import { HTTP_REFUSALS } from '../../apps/edge-api/src/http/http-refusal.js';
import { statusOf } from '../../apps/edge-api/src/http/problem.js';
import { productSources, ROOT } from './product-sources.js';


/** Errors files that define no reason, and why: none of their codes crosses a boundary as it is. */
const WITHOUT_REASONS: Readonly<Record<string, string>> = {
  'libs/crypto/src/crypto.errors.ts': "libs/crypto's codes, mapped to transport codes and reasons by libs/platform (error-envelope.ts)",
  'apps/llm-gateway/src/pseudonymisation/pseudonymisation.errors.ts': "the pseudonymiser's codes: any of them fails the call closed as pseudonymise_stage_failed (apps/llm-gateway/src/pipeline/stage.ts)",
  'libs/llm-runtime/src/llm-runtime.errors.ts': "libs/llm-runtime's codes, mapped to the gateway's reasons by apps/llm-gateway (the only importer of the library)",
};

interface Reason {
  reason: string;
  code: ErrorCode;
  module: string;
}

interface TableRow {
  reason: string;
  code: string;
  status: string;
  meaning: string;
  module: string;
}

/** Map.groupBy, which Node.js 20 lacks. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function reasonsOf(catalogue: ErrorReasons<string>): Reason[] {
  return catalogue.reasons.map((reason) => ({ reason, code: catalogue.codeOf(reason), module: catalogue.module }));
}

/** Reasons that are not snake_case, and reasons defined more than once (saying so when their codes differ). */
function catalogueProblems(reasons: readonly Reason[]): string[] {
  const problems = reasons.filter(({ reason }) => !isErrorReason(reason)).map(({ reason, module }) => `${module}: "${reason}" is not snake_case`);
  const byName = groupBy(reasons, ({ reason }) => reason);
  for (const [reason, definitions] of byName) {
    if (definitions.length < 2) continue;
    const codes = new Set(definitions.map(({ code }) => code));
    const where = definitions.map(({ module, code }) => `${module} (${code})`).join(', ');
    problems.push(codes.size > 1 ? `"${reason}" has different codes in ${where}` : `"${reason}" is defined more than once: ${where}`);
  }
  return problems;
}

const TABLE_HEADER = /^\|\s*reason\s*\|\s*code\s*\|\s*HTTP status\s*\|\s*meaning\s*\|\s*module\s*\|$/;

/** The rows of the README's table of reasons (the one table with these columns). */
function readmeTable(markdown: string): TableRow[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => TABLE_HEADER.test(line.trim()));
  if (start < 0) throw new Error('the README has no table | reason | code | HTTP status | meaning | module |');
  const rows: TableRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [reason = '', code = '', status = '', meaning = '', module = ''] = line.trim().slice(1, -1).split('|').map((cell) => cell.trim().replaceAll('`', ''));
    rows.push({ reason, code, status, meaning, module });
  }
  return rows;
}

/** The HTTP status the edge answers a reason with: its code's, unless it refuses the request's form. */
function httpStatusOf({ reason, code }: Reason): number {
  const refusal = Object.values(HTTP_REFUSALS).find((candidate) => candidate.reason === reason);
  return refusal?.status ?? statusOf(code);
}

function expectedRow(reason: Reason): string {
  return `| \`${reason.reason}\` | \`${reason.code}\` | ${httpStatusOf(reason)} | … | ${reason.module} |`;
}

/** What the README's table misses, lists that does not exist, or says otherwise than the code. */
function readmeProblems(reasons: readonly Reason[], rows: readonly TableRow[]): string[] {
  const problems: string[] = [];
  const listed = new Map(rows.map((row) => [row.reason, row]));
  for (const reason of reasons) {
    const row = listed.get(reason.reason);
    if (!row) {
      problems.push(`missing from the README: ${expectedRow(reason)}`);
      continue;
    }
    if (row.code !== reason.code || row.status !== String(httpStatusOf(reason)) || row.module !== reason.module) {
      problems.push(`the README says ${row.code} ${row.status} ${row.module} for "${reason.reason}": ${expectedRow(reason)}`);
    }
    if (!row.meaning) problems.push(`the README gives no meaning for "${reason.reason}"`);
  }
  const defined = new Set(reasons.map(({ reason }) => reason));
  for (const row of rows) if (!defined.has(row.reason)) problems.push(`the README lists "${row.reason}", which no errors file defines`);
  const counts = groupBy(rows, (row) => row.reason);
  for (const [reason, copies] of counts) if (copies.length > 1) problems.push(`the README lists "${reason}" ${copies.length} times`);
  return problems;
}

const files = productSources().filter((file) => file.endsWith('.errors.ts')).sort();
const reasons: Reason[] = [];
const catalogueCounts = new Map<string, number>();

beforeAll(async () => {
  for (const file of files) {
    const exported = Object.values((await import(join(ROOT, file))) as Record<string, unknown>);
    const catalogues = exported.filter((value): value is ErrorReasons<string> => value instanceof ErrorReasons);
    catalogueCounts.set(file, catalogues.length);
    reasons.push(...catalogues.flatMap(reasonsOf));
  }
});

test('the errors file of every module that raises reasons is found, and each defines its reasons', () => {
  expect(new Set(reasons.map(({ module }) => module))).toEqual(new Set(['auth', 'tenant', 'audit', 'edge-api', 'authz', 'platform', 'bus', 'llm-gateway', 'vector-store']));
  for (const file of files) {
    if (Object.hasOwn(WITHOUT_REASONS, file)) expect([file, catalogueCounts.get(file)]).toEqual([file, 0]);
    else expect([file, catalogueCounts.get(file)]).toEqual([file, 1]);
  }
});

test('every reason is snake_case and defined by one module only', () => {
  expect(catalogueProblems(reasons)).toEqual([]);
});

test("the README's table lists every reason, with its code, HTTP status and module, and nothing else", () => {
  expect(readmeProblems(reasons, readmeTable(readFileSync(join(ROOT, 'README.md'), 'utf8')))).toEqual([]);
});

describe('the checks catch what they are for', () => {
  const quota: Reason = { reason: 'quota_exceeded', code: 'FORBIDDEN' as ErrorCode, module: 'llm-gateway' };

  test('a reason that two modules define with different codes, or twice with one', () => {
    expect(catalogueProblems([quota, { ...quota, code: 'RATE_LIMITED' as ErrorCode, module: 'tenant' }])).toEqual([
      '"quota_exceeded" has different codes in llm-gateway (FORBIDDEN), tenant (RATE_LIMITED)',
    ]);
    expect(catalogueProblems([quota, { ...quota, module: 'tenant' }])).toEqual(['"quota_exceeded" is defined more than once: llm-gateway (FORBIDDEN), tenant (FORBIDDEN)']);
  });

  test('a reason that is not snake_case', () => {
    expect(catalogueProblems([{ ...quota, reason: 'QuotaExceeded' }, { ...quota, reason: 'quota-exceeded' }])).toEqual([
      'llm-gateway: "QuotaExceeded" is not snake_case',
      'llm-gateway: "quota-exceeded" is not snake_case',
    ]);
  });

  test('a README that misses a reason, lists one that does not exist, or says another code, status or module', () => {
    const row = { reason: 'quota_exceeded', code: 'FORBIDDEN', status: '403', meaning: 'the quota is used up', module: 'llm-gateway' };
    expect(readmeProblems([quota], [row])).toEqual([]);
    expect(readmeProblems([quota], [])).toEqual(['missing from the README: | `quota_exceeded` | `FORBIDDEN` | 403 | … | llm-gateway |']);
    expect(readmeProblems([], [row])).toEqual(['the README lists "quota_exceeded", which no errors file defines']);
    expect(readmeProblems([quota], [{ ...row, status: '429' }])).toHaveLength(1);
    expect(readmeProblems([quota], [{ ...row, code: 'CONFLICT' }])).toHaveLength(1);
    expect(readmeProblems([quota], [{ ...row, module: 'tenant' }])).toHaveLength(1);
    expect(readmeProblems([quota], [row, row])).toEqual(['the README lists "quota_exceeded" 2 times']);
  });

  test('the README table is read as written, backquotes and all', () => {
    const markdown = ['text', '| reason | code | HTTP status | meaning | module |', '| --- | --- | --- | --- | --- |', '| `quota_exceeded` | `FORBIDDEN` | 403 | the quota is used up | llm-gateway |', '', 'more'].join('\n');
    expect(readmeTable(markdown)).toEqual([{ reason: 'quota_exceeded', code: 'FORBIDDEN', status: '403', meaning: 'the quota is used up', module: 'llm-gateway' }]);
  });
});
