import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { MIGRATIONS_DIR, type MigrationSpec, migrationDigest } from './pack.ts';

/** A migration of the pack, loaded. */
export interface PackMigration {
  name: string;
  path: string;
  spec: MigrationSpec;
  sha256: string;
}

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.(ts|js)$/;

/** The migration files of `dir`, in the order they apply. */
export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => MIGRATION_FILE.test(file) && !file.endsWith('.d.ts'))
    .sort()
    .map((file) => join(dir, file));
}

/** Loads one migration file. */
export async function loadMigration(path: string): Promise<PackMigration> {
  const module = (await import(pathToFileURL(path).href)) as {
    default?: MigrationSpec;
  };
  const spec = module.default;
  if (!spec || !Array.isArray(spec.up)) {
    throw new TypeError(`${path} does not export a defineMigration() default`);
  }
  const name = path.replace(/^.*[\\/]/, '').replace(/\.(ts|js)$/, '');
  return { name, path, spec, sha256: migrationDigest(spec) };
}

/** Every migration of the pack, in order. */
export async function loadPack(dir = MIGRATIONS_DIR): Promise<PackMigration[]> {
  return Promise.all(migrationFiles(dir).map(loadMigration));
}
