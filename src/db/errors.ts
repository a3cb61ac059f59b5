import { FluxbaseError } from '../errors.ts';

/** The fields PostgreSQL reports with an error (pg and PGlite alike). */
interface PgErrorFields {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: string | number;
  where?: string;
}

/**
 * A statement the database refused. Keeps the SQLSTATE, detail and hint;
 * `position` is 1-based in the statement text, as PostgreSQL gives it.
 */
export class DatabaseError extends FluxbaseError {
  readonly sqlState: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly position: number | undefined;
  readonly where: string | undefined;

  constructor(fields: PgErrorFields, options?: ErrorOptions) {
    super('database_error', fields.message, options);
    this.sqlState = fields.code ?? 'XX000';
    this.detail = fields.detail || undefined;
    this.hint = fields.hint || undefined;
    this.position = fields.position ? Number(fields.position) : undefined;
    this.where = fields.where || undefined;
  }
}

/** True for an error object that came from PostgreSQL. */
export function isPgError(error: unknown): error is PgErrorFields {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** Turns a driver error into a `DatabaseError`; leaves others alone. */
export function wrapPgError(error: unknown): unknown {
  if (error instanceof DatabaseError || !isPgError(error)) return error;
  return new DatabaseError(error, { cause: error });
}
