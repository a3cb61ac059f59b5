import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The nearest folder above `from` that holds this package's package.json. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return resolve(from, '..', '..');
    dir = up;
  }
  return dir;
}

/** The package root: the folder holding package.json and sql/. */
export const PACK_ROOT = packageRoot(HERE);
export const SQL_DIR = join(PACK_ROOT, 'sql');
/**
 * The migrations beside this module's tree: migrations/ when running the
 * TypeScript sources, dist/migrations/ when running the build.
 */
export const MIGRATIONS_DIR = resolve(HERE, '..', '..', 'migrations');

/** What one migration of the pack does. */
export interface MigrationSpec {
  /** Schemas this migration creates; it refuses to run over them. */
  creates: string[];
  /** Files of sql/, applied in order. */
  up: string[];
  /** The reverse, as SQL text. */
  down: string;
  /** Where the `up` files are (default: the pack's sql/). */
  sqlDir?: string;
}

/** One SQL file of the pack with its text. */
export interface PackFile {
  file: string;
  text: string;
}

/** Reads a file of sql/ (or of `sqlDir`) by its relative path. */
export function readPackFile(file: string, sqlDir = SQL_DIR): PackFile {
  const shown = sqlDir === SQL_DIR ? `sql/${file}` : join(sqlDir, file);
  return { file: shown, text: readFileSync(join(sqlDir, file), 'utf8') };
}

/** The files a migration applies, read, in order. */
export function migrationFilesOf(spec: MigrationSpec): PackFile[] {
  return spec.up.map((file) => readPackFile(file, spec.sqlDir));
}

/**
 * The sha256 of what a migration applies: the name and text of each file
 * and the down script. A change to any of them after the migration was
 * applied is drift.
 */
export function migrationDigest(spec: MigrationSpec): string {
  const hash = createHash('sha256');
  for (const { file, text } of migrationFilesOf(spec)) {
    hash.update(`${file}\0${text}\0`);
  }
  hash.update(`down\0${spec.down}`);
  return hash.digest('hex');
}

/**
 * Declares a migration of the pack (the default export of a file in
 * migrations/).
 *
 * @example
 * export default defineMigration({
 *   creates: ['vault'],
 *   up: ['vault/secrets.sql'],
 *   down: 'drop schema if exists vault cascade;',
 * });
 */
export function defineMigration(spec: MigrationSpec): MigrationSpec {
  return spec;
}
