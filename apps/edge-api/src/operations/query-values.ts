// Query strings carry text; payload fields may be numbers, booleans or lists. Each value is read
// as its field's schema expects before that schema validates it (as bodies are), so that
// `?limit=20` reaches the service as the number 20 and `?limit=abc` is refused like any bad input.
import type { z } from 'zod';

type Raw = string | string[] | undefined;

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schema of the value itself, looking through optional, nullable and default wrappers. */
function unwrapped(schema: z.ZodType): SchemaDef {
  const def = defOf(schema);
  return (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType ? unwrapped(def.innerType) : def;
}

const NUMBER = /^-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,15})?$/;

function scalar(kind: string, value: string): unknown {
  if (kind === 'number') return NUMBER.test(value) ? Number(value) : value;
  if (kind === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** The query string's values, typed for `schema` (the operation's query schema); unknown names pass as given. */
export function typedQuery(schema: z.ZodObject, raw: Record<string, Raw>): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  // Defined, not assigned: a name such as `__proto__` stays a plain key (which the strict schema refuses).
  const put = (name: string, value: unknown) => Object.defineProperty(typed, name, { value, enumerable: true, writable: true, configurable: true });
  for (const [name, value] of Object.entries(raw)) {
    const field = Object.hasOwn(schema.shape, name) ? schema.shape[name] : undefined;
    if (!field || value === undefined) {
      put(name, value);
      continue;
    }
    const def = unwrapped(field);
    if (def.type === 'array') {
      const itemKind = def.element ? unwrapped(def.element).type : 'string';
      put(name, (Array.isArray(value) ? value : [value]).map((item) => scalar(itemKind, item)));
    } else {
      // A scalar given twice is not guessed at: the schema refuses the list.
      put(name, Array.isArray(value) ? value : scalar(def.type, value));
    }
  }
  return typed;
}
