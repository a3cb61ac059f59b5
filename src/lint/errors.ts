import type { DatabaseError } from '../db/errors.ts';
import { formatSqlError, type SqlSource } from '../db/location.ts';
import { FluxbaseError } from '../errors.ts';

/**
 * The lint settings are wrong: an unknown rule, schema or baseline.
 *
 * @example
 * try { await lintDatabase({ db, schemas: ['nope'] }); }
 * catch (error) { if (error instanceof LintConfigError) console.error(error.message); }
 */
export class LintConfigError extends FluxbaseError {
  constructor(message: string, options?: ErrorOptions) {
    super('lint_config', message, options);
  }
}

/**
 * A file given to `lint --sql` could not be applied; the message names
 * file:line:column with a caret.
 *
 * @example
 * await lintSqlFiles({ paths: ['broken.sql'] }).catch((e: SqlApplyError) => e.file);
 */
export class SqlApplyError extends FluxbaseError {
  readonly file: string;

  constructor(message: string, file: string, options?: ErrorOptions) {
    super('sql_apply_failed', message, options);
    this.file = file;
  }

  /** From a database error, with file:line:column and a caret. */
  static from(error: DatabaseError, source: SqlSource): SqlApplyError {
    const where = formatSqlError(error, source);
    return new SqlApplyError(
      `cannot apply ${source.file}; nothing was linted:\n${where}`,
      source.file,
      { cause: error },
    );
  }
}
