import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';

import { DatabaseError } from '../db/errors.ts';
import { locate, type SqlSource } from '../db/location.ts';
import { openEmbedded } from '../db/pglite.ts';
import type { Database } from '../db/shared.ts';
import { migrateUp } from '../migrate/runner.ts';
import { SqlApplyError } from './errors.ts';
import { expandSqlPaths } from './files.ts';
import { LINT_SQL_DIR } from './rules.ts';
import { type LintOptions, lintDatabase } from './runner.ts';
import type { Finding, LintReport } from './shared.ts';

/** The stand-ins for a Supabase project (storage, extensions, roles). */
export const SUPABASE_STUBS = `${LINT_SQL_DIR}/stubs/supabase.sql`;

export interface SqlLintOptions extends Omit<LintOptions, 'db'> {
  /** Files, folders or globs, applied in order. */
  paths: readonly string[];
  /** Where relative paths start (default the working directory). */
  cwd?: string;
}

/** Where a finding's object is first named in the files. */
export type Locator = (
  finding: Finding,
) => { uri: string; line: number } | undefined;

export interface SqlLintResult {
  report: LintReport;
  /** The files applied, relative to cwd, in order. */
  files: string[];
  locate: Locator;
}

/** An extension missing from the embedded database, with where it is. */
function missingExtension(error: DatabaseError, source: SqlSource) {
  const name = /^extension "([^"]+)" is not available/.exec(error.message);
  if (!name) return undefined;
  const pattern = new RegExp(
    `create\\s+extension\\s+(if\\s+not\\s+exists\\s+)?"?${name[1]!.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}"?`,
    'i',
  );
  const at = pattern.exec(source.text)?.index;
  const spot = at === undefined ? undefined : locate(source.text, at + 1);
  const where = spot
    ? `${source.file}:${spot.line}:${spot.column}`
    : source.file;
  return new SqlApplyError(
    `${where}: extension "${name[1]}" is not available in the embedded database that lint --sql uses; lint a server that has it instead (fluxbase-cli lint --database-url postgres://...)`,
    source.file,
    { cause: error },
  );
}

async function applyFile(db: Database, source: SqlSource): Promise<void> {
  try {
    await db.exec(source.text);
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error;
    throw missingExtension(error, source) ?? SqlApplyError.from(error, source);
  }
}

function objectName(finding: Finding): string {
  const rest = finding.object.slice(finding.schema.length + 1);
  return rest.split(/[.(]/)[0] ?? rest;
}

function lineOf(text: string, name: string): number | undefined {
  const lines = text.toLowerCase().split('\n');
  const code = (line: string) => !line.trimStart().startsWith('--');
  const created = lines.findIndex(
    (l) => code(l) && l.includes(name) && /\bcreate\b/.test(l),
  );
  const index =
    created >= 0
      ? created
      : lines.findIndex((l) => code(l) && l.includes(name));
  return index >= 0 ? index + 1 : undefined;
}

function locator(sources: readonly SqlSource[]): Locator {
  return (finding) => {
    const name = objectName(finding).toLowerCase();
    for (const source of sources) {
      const line = lineOf(source.text, name);
      if (line !== undefined) return { uri: source.file, line };
    }
    return undefined;
  };
}

/**
 * Lints SQL files without a server: applies them, in order, to a fresh
 * embedded database that has the pack and Supabase's stand-ins, then
 * lints the result. A file that fails to apply throws `SqlApplyError`
 * with file:line:column and a caret.
 *
 * @example
 * const { report } = await lintSqlFiles({ paths: ['supabase/migrations'] });
 */
export async function lintSqlFiles(
  options: SqlLintOptions,
): Promise<SqlLintResult> {
  const cwd = options.cwd ?? '.';
  const files = expandSqlPaths(options.paths, cwd);
  const sources = files.map((path) => ({
    file: relative(cwd, path) || path,
    text: readFileSync(path, 'utf8'),
  }));
  const db = await openEmbedded(undefined, {
    extensions: { citext, pg_trgm, uuid_ossp },
  });
  try {
    await migrateUp({ db });
    await db.exec(readFileSync(SUPABASE_STUBS, 'utf8'));
    for (const source of sources) await applyFile(db, source);
    const report = await lintDatabase({ ...options, db });
    return {
      report,
      files: sources.map((s) => s.file),
      locate: locator(sources),
    };
  } finally {
    await db.close();
  }
}
