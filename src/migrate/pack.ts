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
}

/** One SQL file of the pack with its text. */
export interface PackFile {
  file: string;
  text: string;
}

/** Reads a file of sql/ by its path relative to sql/. */
export function readPackFile(file: string): PackFile {
  return {
    file: `sql/${file}`,
    text: readFileSync(join(SQL_DIR, file), 'utf8'),
  };
}

/**
 * The sha256 of what a migration applies: the name and text of each file
 * and the down script. A change to any of them after the migration was
 * applied is drift.
 */
export function migrationDigest(spec: MigrationSpec): string {
  const hash = createHash('sha256');
  for (const { file, text } of spec.up.map(readPackFile)) {
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
