// `gardien audit verify FILE`: checks an export of the audit log offline, with nothing but the file
// and, ideally, the published keys (GET /api/v1/audit/public-key, kept by the auditor). Prints one
// JSON line: the verdict. Exit codes: 0 the export holds, 1 it does not (the first failing index and
// why), 2 the file (or a key or tree-head file) is not what it should be, 64 bad usage.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ExportFormatError, ExportTreeHeadLineSchema, PublicJwkSetSchema, TreeHeadSchema, fileExportSource, verifyExport, type PublicJwkSet, type TreeHead } from '@gardien/audit-log';
import { exitOnUsageError, withoutOptionValues } from '../usage-errors.js';

export const EX_NOT_AN_EXPORT = 2;

export const AUDIT_VERIFY_HELP = `
FILE is an export (GET /api/v1/audit/export): JSON Lines, one line per entry, then the tree head.
Every leaf hash is recomputed from its entry (RFC 8785 JSON, RFC 9162 leaf hash), every inclusion
proof checked against the tree head, the tree head's Ed25519 signature against --public-key (the
JWK set of GET /api/v1/audit/public-key; without it the signature is not checked, and the verdict
says "signature": "not_checked"), and the indexes must follow each other up to the end of the tree
(--partial: a range may end earlier). --since-tree-head FILE: a tree head kept from earlier (the
last line of an earlier export, or the answer of GET /api/v1/audit/tree-head); the export must start
at index 0 and its first entries must hash to that head's root: nothing was removed or rewritten since.

Prints one JSON line. Exit 0: {"ok":true,...}. Exit 1: {"ok":false,"index":I,"reason":R}, R one of
changed, missing, inserted, reordered, truncated, bad_signature, inconsistent (index null when the
fault is the tree head's). Exit 2: the file is not an export (the reason on stderr). Exit 64: bad usage.`;

class InputFileError extends Error {}

async function jsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputFileError(`${what}: cannot be read`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputFileError(`${what}: not JSON`);
  }
}

async function publicKeysFrom(path: string): Promise<PublicJwkSet> {
  const keys = PublicJwkSetSchema.safeParse(await jsonFile(path, '--public-key'));
  if (!keys.success) throw new InputFileError('--public-key: not a JWK set of Ed25519 keys');
  return keys.data;
}

async function treeHeadFrom(path: string): Promise<TreeHead> {
  const value = await jsonFile(path, '--since-tree-head');
  const line = ExportTreeHeadLineSchema.safeParse(value);
  if (line.success) return line.data.tree_head;
  const head = TreeHeadSchema.safeParse(value);
  if (!head.success) throw new InputFileError('--since-tree-head: not a tree head');
  return head.data;
}

export async function auditVerify(file: string, options: { publicKey?: string; sinceTreeHead?: string; partial?: boolean }): Promise<number> {
  try {
    const verdict = await verifyExport(fileExportSource(file), {
      ...(options.publicKey === undefined ? {} : { publicKeys: await publicKeysFrom(options.publicKey) }),
      ...(options.sinceTreeHead === undefined ? {} : { sinceTreeHead: await treeHeadFrom(options.sinceTreeHead) }),
      partial: options.partial === true,
    });
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    if (verdict.ok && verdict.signature === 'not_checked') process.stderr.write('gardien audit verify: the tree head signature was not checked (no --public-key)\n');
    return verdict.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof ExportFormatError || error instanceof InputFileError) {
      process.stderr.write(`gardien audit verify: ${error.message}\n`);
      return EX_NOT_AN_EXPORT;
    }
    if ((error as NodeJS.ErrnoException).code !== undefined) {
      process.stderr.write(`gardien audit verify: ${file}: cannot be read\n`);
      return EX_NOT_AN_EXPORT;
    }
    throw error;
  }
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('the audit log, checked offline');
  audit
    .command('verify')
    .description('check an export of the audit log: leaf hashes, inclusion proofs, tree head signature, contiguous indexes')
    .argument('<file>', 'the export (JSON Lines)')
    .option('--public-key <jwks>', 'the JWK set published at GET /api/v1/audit/public-key')
    .option('--since-tree-head <file>', 'an earlier tree head of the same log: the export must be consistent with it')
    .option('--partial', 'the export is a range that may end before the end of the tree')
    .addHelpText('after', AUDIT_VERIFY_HELP)
    .configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) })
    .exitOverride(exitOnUsageError)
    .action(async (file: string, options: { publicKey?: string; sinceTreeHead?: string; partial?: boolean }) => {
      process.exitCode = await auditVerify(file, options);
    });
  return audit.configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) }).exitOverride(exitOnUsageError);
}
