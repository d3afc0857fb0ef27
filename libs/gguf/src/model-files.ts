// The GGUF files of a models directory (mounted read-only), as the embedded runtime loads them and
// `gardien models verify` checks them: only inside the directory, each checked: a regular file, a GGUF
// header that holds together (not truncated, not another format), and the sha256 the catalogue
// lists. A file's header and digest are read once per identity of the file (device, inode, size,
// times): a multi-gigabyte model, or a vocabulary of 150,000 tokens, is not read again at every
// catalogue check, and a file replaced or touched is read again. Problems name the file (its path
// under the models directory), never more.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { sha256OfFile } from './file-digest.js';
import { GgufFileError, readGgufHeader, type GgufFileProblem, type GgufHeader } from './gguf-reader.js';

export type ModelFileProblem = GgufFileProblem | 'missing' | 'outside_models_dir';

export type ModelFileCheck = { ok: true; path: string; digest: string; header: GgufHeader } | { ok: false; problem: ModelFileProblem; detail: string };

/** Where a catalogue name may point: a relative path of plain segments, under the directory. */
export function isPlainRelativePath(name: string): boolean {
  if (name === '' || isAbsolute(name) || name.includes('\0') || name.includes('\\')) return false;
  return name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export class ModelFiles {
  /** Per path, the header and digest of the file as it last was: one entry per file, whatever its history. */
  private readonly inspected = new Map<string, { identity: string; result: Promise<ModelFileCheck> }>();

  constructor(private readonly directory: string) {}

  /** The checks above, for the catalogue's `name` of an embedded model. Never throws. */
  async check(name: string): Promise<ModelFileCheck> {
    if (!isPlainRelativePath(name)) return { ok: false, problem: 'outside_models_dir', detail: 'the name is not a relative path under GARDIEN_MODELS_DIR' };
    let path: string;
    try {
      // Symbolic links are followed, but must end inside the directory too.
      const root = await realpath(this.directory);
      path = await realpath(join(root, name));
      const inside = relative(root, path);
      if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
        return { ok: false, problem: 'outside_models_dir', detail: 'the file resolves outside GARDIEN_MODELS_DIR' };
      }
    } catch {
      return { ok: false, problem: 'missing', detail: 'no such file under GARDIEN_MODELS_DIR' };
    }
    let identity: string;
    try {
      const info = await stat(path, { bigint: true });
      identity = [info.dev, info.ino, info.size, info.mtimeNs, info.ctimeNs].join(':');
    } catch {
      return UNREADABLE;
    }
    const known = this.inspected.get(path);
    if (known?.identity === identity) return known.result;
    const result = inspect(path);
    this.inspected.set(path, { identity, result });
    // A read that failed is tried again at the next check; what the file is, is not, until it changes.
    void result.then((check) => {
      if (!check.ok && check.problem === 'unreadable' && this.inspected.get(path)?.result === result) this.inspected.delete(path);
    });
    return result;
  }
}

const UNREADABLE: ModelFileCheck = { ok: false, problem: 'unreadable', detail: 'the file cannot be read' };

/** The header and the digest of a file, read once per identity of it. Never throws. */
async function inspect(path: string): Promise<ModelFileCheck> {
  let header: GgufHeader;
  try {
    header = await readGgufHeader(path);
  } catch (error) {
    if (error instanceof GgufFileError) return { ok: false, problem: error.problem, detail: error.message };
    return UNREADABLE;
  }
  try {
    return { ok: true, path, digest: await sha256OfFile(path), header };
  } catch {
    return UNREADABLE;
  }
}
