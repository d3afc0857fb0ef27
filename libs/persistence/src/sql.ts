// Quoting of SQL identifiers, for the statements that cannot take parameters (CREATE ROLE...).
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`refusing unsafe SQL identifier "${name}"`);
  return `"${name}"`;
}

/** A table name, optionally schema-qualified (`gardien_keys.subject_keys`), quoted part by part. */
export function quoteTable(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
