// Text that no store of ours can keep as it was given: a NUL character (PostgreSQL refuses it in
// text and jsonb, so it surfaced as a 500) and a lone surrogate (half of a UTF-16 pair, which has
// no UTF-8 form: it would be stored as U+FFFD, silently changed). Found anywhere in a value
// decoded from JSON, keys included, in one pass that allocates only per object or array.

export type UnsafeTextReason = 'contains_nul' | 'lone_surrogate';

export interface UnsafeText {
  /** Where the first defect found is: keys and indices from the root. */
  path: Array<string | number>;
  reason: UnsafeTextReason;
}

// ES2024's String.prototype.isWellFormed (native, and in every Node.js this project supports);
// the project's TypeScript lib stops at ES2023.
const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

export function textDefectOf(text: string): UnsafeTextReason | undefined {
  if (text.includes('\u0000')) return 'contains_nul';
  return isWellFormed.call(text) ? undefined : 'lone_surrogate';
}

interface Frame {
  value: object;
  parent: Frame | undefined;
  key: string | number | undefined;
}

function pathTo(frame: Frame, last: string | number): Array<string | number> {
  const path = [last];
  for (let at: Frame | undefined = frame; at?.parent !== undefined; at = at.parent) path.push(at.key!);
  return path.reverse();
}

/**
 * The first string or key of `root` that is not safe text, if any. `root` is a value decoded from
 * JSON (no cycles); the walk uses its own stack, so no nesting depth can overflow the call stack.
 */
export function findUnsafeText(root: unknown): UnsafeText | undefined {
  if (typeof root === 'string') {
    const reason = textDefectOf(root);
    return reason ? { path: [], reason } : undefined;
  }
  if (typeof root !== 'object' || root === null) return undefined;
  const stack: Frame[] = [{ value: root, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (Array.isArray(frame.value)) {
      const items: unknown[] = frame.value;
      for (let index = 0; index < items.length; index++) {
        const found = visit(items[index], frame, index, stack);
        if (found) return found;
      }
      continue;
    }
    const entries = frame.value as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      const keyDefect = textDefectOf(key);
      if (keyDefect) return { path: pathTo(frame, key), reason: keyDefect };
      const found = visit(entries[key], frame, key, stack);
      if (found) return found;
    }
  }
  return undefined;
}

function visit(value: unknown, parent: Frame, key: string | number, stack: Frame[]): UnsafeText | undefined {
  if (typeof value === 'string') {
    const reason = textDefectOf(value);
    return reason ? { path: pathTo(parent, key), reason } : undefined;
  }
  if (typeof value === 'object' && value !== null) stack.push({ value, parent, key });
  return undefined;
}
