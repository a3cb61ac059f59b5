import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the folder holding sql/ and migrations/. */
export const PACK_ROOT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
);
export const SQL_DIR = join(PACK_ROOT, 'sql');
export const MIGRATIONS_DIR = join(PACK_ROOT, 'migrations');

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
