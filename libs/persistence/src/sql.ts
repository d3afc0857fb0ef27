// Quoting of SQL identifiers, for the statements that cannot take parameters (CREATE ROLE...).
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`refusing unsafe SQL identifier "${name}"`);
  return `"${name}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
