// The model catalogue file (GARDIEN_MODELS_FILE) as the operator's commands read and write it:
// validated whole by the contract the gateway reads it with, written atomically (a temporary file
// renamed over it), so that a gateway reading it never sees half a file.
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelCatalogueFile } from '@gardien/contracts';

const MAX_FILE_BYTES = 1024 * 1024;

export class CatalogueFileError extends Error {
  override readonly name = 'CatalogueFileError';
}

/** The catalogue at `path`; an absent file is an empty catalogue, unless `absent` is `refused`. */
export async function readCatalogueFile(path: string, absent: 'empty' | 'refused' = 'empty'): Promise<ModelCatalogueFile> {
  const size = await stat(path).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && absent === 'empty') return undefined;
      if (error.code === 'ENOENT') throw new CatalogueFileError(`no catalogue at ${path}`);
      throw new CatalogueFileError(`cannot read the catalogue ${path}`);
    },
  );
  if (size === undefined) return { models: [] };
  if (size > MAX_FILE_BYTES) throw new CatalogueFileError(`the catalogue ${path} is larger than ${MAX_FILE_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new CatalogueFileError(`the catalogue ${path} is not JSON`);
  }
  const parsed = ModelCatalogueFile.safeParse(json);
  if (!parsed.success) {
    // The place (schema field names and indexes) and the schema's words; an unknown field's name is the file's, not said.
    const issue = parsed.error.issues[0]!;
    const problem = issue.code === 'unrecognized_keys' ? 'a field the catalogue does not have' : issue.message;
    throw new CatalogueFileError(`the catalogue ${path} is not valid: ${issue.path.join('.') || '(root)'}: ${problem}`);
  }
  return parsed.data;
}

export async function writeCatalogueFile(path: string, catalogue: ModelCatalogueFile): Promise<void> {
  const checked = ModelCatalogueFile.parse(catalogue);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temporary, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o644, flag: 'wx' });
  await rename(temporary, path);
}
