import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

import { DatabaseError } from '../db/errors.ts';
import { formatSqlError } from '../db/location.ts';
import type { Database } from '../db/shared.ts';
import { FluxbaseError } from '../errors.ts';
import { expandSqlPaths } from '../lint/files.ts';
import { transactionEscape } from './escape.ts';
import { parseTap, runTap, type TapResult } from './tap.ts';

/**
 * pgTAP is missing on the server and cannot be created.
 *
 * @example
 * await runTestFiles({ db, paths: ['tests'] }).catch((e: TestSetupError) => e.message);
 */
export class TestSetupError extends FluxbaseError {
  constructor(message: string, options?: ErrorOptions) {
    super('test_setup', message, options);
  }
}

/** The outcome of one test file. */
export interface FileResult extends TapResult {
  file: string;
  /** The error that stopped the file, formatted with file:line:column. */
  error: string | undefined;
}

async function ensurePgtap(session: {
  exec(s: string): Promise<unknown>;
}): Promise<void> {
  try {
    await session.exec('create extension if not exists pgtap');
  } catch (error) {
    throw new TestSetupError(
      `pgTAP is not installed on the server: ${(error as Error).message} (on Debian: apt-get install postgresql-15-pgtap)`,
      { cause: error },
    );
  }
}

/** A file that did not run, failed with why. */
function stopped(file: string, message: string): FileResult {
  return { ...parseTap([]), failed: [message], file, error: message };
}

/**
 * Runs one pgTAP file in a transaction that is rolled back afterwards
 * (pgTAP itself is created inside it when missing, so nothing is left).
 * A file that would end that transaction itself (COMMIT, END, PREPARE
 * TRANSACTION, or ROLLBACK before its last statement) is refused before
 * it runs, as a failure naming file:line, since its changes would stay.
 *
 * @example
 * const result = await runTestFile(db, 'tests/profiles.sql');
 */
export async function runTestFile(
  db: Database,
  path: string,
  cwd = '.',
): Promise<FileResult> {
  const file = relative(cwd, path) || path;
  const text = readFileSync(path, 'utf8');
  const refusal = transactionEscape(file, text);
  if (refusal) return stopped(file, refusal);

  const session = await db.session();
  try {
    await session.exec('begin');
    await ensurePgtap(session);
    const tap = await runTap(session, text);
    return { ...tap, file, error: undefined };
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error;
    return stopped(file, formatSqlError(error, { file, text }));
  } finally {
    await session.exec('rollback').catch(() => undefined);
    await session.release();
  }
}

/**
 * Runs pgTAP files (files, folders or globs, as `lint --sql` takes them),
 * one transaction each, in order.
 *
 * @example
 * const results = await runTestFiles({ db, paths: ['tests'] });
 * const ok = results.every((r) => r.ok);
 */
export async function runTestFiles(options: {
  db: Database;
  paths: readonly string[];
  cwd?: string;
}): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const path of expandSqlPaths(options.paths, options.cwd, '')) {
    results.push(await runTestFile(options.db, path, options.cwd));
  }
  return results;
}
