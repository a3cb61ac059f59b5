/**
 * Finds the statements of a pgTAP file that would end the transaction
 * `fluxbase-cli test` wraps it in, so that what it did (or what follows)
 * would stay in the database: COMMIT, END, COMMIT PREPARED, PREPARE
 * TRANSACTION anywhere, and ROLLBACK or ABORT before the last statement.
 * Only top-level statements count: text in comments, strings, quoted
 * names, dollar-quoted bodies and BEGIN ATOMIC bodies is skipped.
 */

/** A top-level statement: its 1-based line and its bare words. */
interface Statement {
  line: number;
  words: string[];
}

const TOKEN =
  /\s+|--[^\n]*|[eE]'(?:[^'\\]|\\[\s\S]|'')*'?|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|\$([A-Za-z_][A-Za-z_0-9]*)?\$|[A-Za-z_\u0080-\uffff][A-Za-z_0-9$\u0080-\uffff]*|[\s\S]/y;

/** The end of a nested block comment that starts at `from`. */
function blockCommentEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith('/*', i)) depth++;
    else if (text.startsWith('*/', i)) depth--;
    else {
      i++;
      continue;
    }
    i += 2;
    if (depth === 0) return i;
  }
  return text.length;
}

/** The end of the token at `at`, with the word it is (if a bare word). */
function token(text: string, at: number): { end: number; word?: string } {
  if (text.startsWith('/*', at)) return { end: blockCommentEnd(text, at) };
  TOKEN.lastIndex = at;
  const match = TOKEN.exec(text)!;
  const end = at + match[0].length;
  if (match[0].startsWith('$') && match[0].endsWith('$')) {
    const close = text.indexOf(match[0], end);
    return { end: close < 0 ? text.length : close + match[0].length };
  }
  if (/^[A-Za-z_\u0080-\uffff]/.test(match[0])) {
    return { end, word: match[0].toLowerCase() };
  }
  return { end, word: match[0] === ';' ? ';' : undefined };
}

/** Whether the statement so far creates a function or procedure. */
function isRoutine(words: readonly string[]): boolean {
  if (words[0] !== 'create') return false;
  return words.slice(1, 4).some((w) => w === 'function' || w === 'procedure');
}

/** BEGIN ATOMIC ... END nesting inside a CREATE FUNCTION, as psql does. */
function depthChange(words: readonly string[], word: string, depth: number) {
  if (!isRoutine(words)) return 0;
  if (word === 'begin') return 1;
  if (word === 'case' && depth > 0) return 1;
  if (word === 'end' && depth > 0) return -1;
  return 0;
}

/** The top-level statements of a SQL text, in order. */
export function statements(text: string): Statement[] {
  const found: Statement[] = [];
  let current: Statement | undefined;
  let depth = 0;
  for (let at = 0; at < text.length; ) {
    const { end, word } = token(text, at);
    if (word === ';' && depth === 0) {
      if (current) found.push(current);
      current = undefined;
    } else if (word !== undefined && word !== ';') {
      current ??= { line: text.slice(0, at).split('\n').length, words: [] };
      depth += depthChange(current.words, word, depth);
      current.words.push(word);
    }
    at = end;
  }
  if (current) found.push(current);
  return found;
}

/** How a statement ends the transaction, if it does. */
function ending(words: readonly string[]): 'commits' | 'ends' | undefined {
  const [first, second] = words;
  if (first === 'commit' || first === 'end') return 'commits';
  if (first === 'prepare' && second === 'transaction') return 'commits';
  if (first !== 'rollback' && first !== 'abort') return undefined;
  if (words.includes('to') || words.includes('prepared')) return undefined;
  const chained = words.includes('chain') && !words.includes('no');
  return chained ? undefined : 'ends';
}

/**
 * Why a pgTAP file would escape the rollback, as `FILE:LINE: ...`, or
 * undefined when it would not.
 *
 * @example
 * transactionEscape('t.sql', 'begin; select 1; commit;');
 * // 't.sql:1: commits its transaction; fluxbase-cli test rolls ...'
 */
export function transactionEscape(
  file: string,
  text: string,
): string | undefined {
  const all = statements(text);
  const advice =
    'fluxbase-cli test rolls every file back, so end it with ROLLBACK or nothing';
  for (const [index, statement] of all.entries()) {
    const kind = ending(statement.words);
    const where = `${file}:${statement.line}`;
    if (kind === 'commits') {
      return `${where}: commits its transaction; ${advice}`;
    }
    if (kind === 'ends' && index < all.length - 1) {
      return `${where}: ends its transaction before the end of the file, so the statements after it would not be rolled back; ${advice}`;
    }
  }
  return undefined;
}
