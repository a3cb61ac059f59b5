import type { DatabaseError } from './errors.ts';

/** A 1-based line and column in a text, from a 1-based character offset. */
export function locate(text: string, position: number) {
  const before = text.slice(0, Math.max(0, position - 1));
  const line = before.split('\n').length;
  const column = position - 1 - before.lastIndexOf('\n');
  const lineText = text.split('\n')[line - 1] ?? '';
  return { line, column, lineText };
}

/**
 * A detail without the row values PostgreSQL quotes in it ("Failing row
 * contains (...)", "Key (email)=(...) already exists"): they may be
 * secrets, ciphertexts or personal data.
 */
export function hideRowValues(detail: string): string {
  return detail
    .replace(/^(Failing row contains )\(.*\)\.?$/s, '$1(values hidden).')
    .replace(
      /^(Key \([^)]*\))=\(.*?\)( already exists| is not present| conflicts)/s,
      '$1=(…)$2',
    );
}

/** Where a failed statement came from. */
export interface SqlSource {
  file: string;
  text: string;
}

/**
 * A Postgres error as people read it: `file:line:column`, the SQLSTATE and
 * message, the line with a caret under the spot, then detail and hint.
 */
export function formatSqlError(
  error: DatabaseError,
  source?: SqlSource,
): string {
  const lines: string[] = [];
  const spot =
    source && error.position ? locate(source.text, error.position) : undefined;

  if (source) {
    lines.push(
      spot ? `${source.file}:${spot.line}:${spot.column}` : source.file,
    );
  }
  lines.push(`ERROR ${error.sqlState}: ${error.message}`);
  if (spot) {
    const gutter = `${spot.line} | `;
    lines.push(`  ${gutter}${spot.lineText}`);
    lines.push(
      `  ${' '.repeat(gutter.length - 2)}| ${' '.repeat(spot.column - 1)}^`,
    );
  }
  if (error.detail) lines.push(`DETAIL: ${hideRowValues(error.detail)}`);
  if (error.hint) lines.push(`HINT: ${error.hint}`);
  if (error.where && !spot) lines.push(`CONTEXT: ${error.where}`);
  return lines.join('\n');
}
