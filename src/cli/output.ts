import { ConfigError } from '../config/errors.ts';
import { DatabaseError } from '../db/errors.ts';
import { formatSqlError } from '../db/location.ts';
import { FluxbaseError } from '../errors.ts';

/** Writes a result line to stdout. */
export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a value as pretty JSON to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes an error for people to stderr. */
export function printError(text: string): void {
  process.stderr.write(`error: ${text}\n`);
}

const PACK_SCHEMAS =
  /\b(schema|relation|function) "?(auth|vault|rls|ratelimit|tests)\b/;

/** True for "schema auth does not exist" and the like. */
function isPackMissing(error: DatabaseError): boolean {
  const missing = ['3F000', '42P01', '42883'].includes(error.sqlState);
  return missing && PACK_SCHEMAS.test(error.message);
}

/** Words for an error that is not one of ours (it may not be an Error). */
function describeUnknown(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Reports an error that reached the CLI and returns the exit code. Errors
 * of the toolkit print their message alone; anything else is a bug, and
 * prints its stack only with FLUXBASE_LOG_LEVEL=debug.
 */
export function reportError(error: unknown): number {
  if (error instanceof DatabaseError) {
    printError(formatSqlError(error));
    if (isPackMissing(error)) {
      process.stderr.write(
        'the pack is not installed here: run fluxbase-cli migrate up first\n',
      );
    }
    return error.exitCode;
  }
  if (error instanceof ConfigError || error instanceof FluxbaseError) {
    printError(error.message);
    return error.exitCode;
  }
  const message = describeUnknown(error);
  printError(`unexpected failure: ${message}`);
  if (process.env.FLUXBASE_LOG_LEVEL === 'debug' && error instanceof Error) {
    process.stderr.write(`${error.stack}\n`);
  } else {
    process.stderr.write(
      '(set FLUXBASE_LOG_LEVEL=debug for the stack trace)\n',
    );
  }
  return 2;
}
