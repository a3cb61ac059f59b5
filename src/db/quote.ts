/**
 * Quotes a SQL identifier the way `format('%I')` does, always with double
 * quotes. The only place where a name is put into SQL text.
 *
 * @example
 * quoteIdent('my "table"'); // "my ""table"""
 */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) {
    throw new TypeError(`not a valid SQL identifier: ${JSON.stringify(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes `schema.name`, each part on its own. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
