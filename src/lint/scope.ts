import type { Queryable } from '../db/shared.ts';
import { LintConfigError } from './errors.ts';

/**
 * Schemas that belong to PostgreSQL itself and are never linted. The one
 * place this list lives; every rule gets the schemas in scope as $1.
 */
export const SYSTEM_SCHEMAS: readonly string[] = [
  'pg_catalog',
  'information_schema',
  'pg_toast',
];

/** The roles requests run as before they are trusted: rules get them as $2. */
export const API_ROLES: readonly string[] = ['anon', 'authenticated'];

const SCHEMAS = `
  select n.nspname as name
    from pg_catalog.pg_namespace n
   where n.nspname <> all($1::text[])
     and n.nspname !~ '^pg_(toast_)?temp_'
     and not exists (
       select from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
          and d.objid = n.oid and d.deptype = 'e')
   order by n.nspname`;

/**
 * The schemas to lint: every schema but the system ones and those that
 * extensions own, narrowed to `only` when given (each must exist).
 *
 * @example
 * await schemasInScope(db, ['public']); // ['public']
 */
export async function schemasInScope(
  db: Queryable,
  only?: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(SCHEMAS, [SYSTEM_SCHEMAS]);
  const all = rows.map((r) => r.name);
  if (!only || only.length === 0) return all;

  const missing = only.filter((s) => !all.includes(s));
  if (missing.length > 0) {
    throw new LintConfigError(
      `no schema named ${missing.join(', ')} to lint (the database has: ${all.join(', ')})`,
    );
  }
  return all.filter((s) => only.includes(s));
}
