import type { Queryable } from '../db/shared.ts';
import { type ObjectInTheWay, PackConflictError } from './errors.ts';
import type { PackMigration } from './load.ts';

const OBJECTS_IN = `
  select n.nspname as schema, n.nspname as name, 'schema' as kind, 0 as rank
    from pg_catalog.pg_namespace n
   where n.nspname = any($1::text[])
  union all
  select n.nspname, n.nspname || '.' || c.relname,
         case c.relkind when 'r' then 'table' when 'v' then 'view'
           when 'm' then 'materialized view' when 'S' then 'sequence'
           when 'p' then 'table' when 'f' then 'foreign table'
           else 'relation' end, 1
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = any($1::text[]) and c.relkind in ('r','v','m','S','p','f')
  union all
  select n.nspname,
         n.nspname || '.' || p.proname || '(' ||
           pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
         'function', 2
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = any($1::text[])
  order by 1, 4, 2`;

/**
 * Refuses to run migrations that create schemas already present: such a
 * schema belongs to somebody else (or to an install this database does not
 * record), and installing over it could change or drop their objects.
 */
export async function assertNoConflicts(
  db: Queryable,
  pending: readonly PackMigration[],
): Promise<void> {
  const schemas = pending.flatMap((m) => m.spec.creates);
  if (schemas.length === 0) return;

  const { rows } = await db.query<ObjectInTheWay>(OBJECTS_IN, [schemas]);
  if (rows.length > 0) {
    throw new PackConflictError(
      rows.map(({ schema, name, kind }) => ({ schema, name, kind })),
    );
  }
}
