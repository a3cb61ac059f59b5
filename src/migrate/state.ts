import type { Queryable } from '../db/shared.ts';

/** Schema and table of the migrations record (never public.pgmigrations). */
export const MIGRATIONS_SCHEMA = 'fluxbase';
export const MIGRATIONS_TABLE = 'pgmigrations';

/** A migration the database records as applied. */
export interface AppliedMigration {
  name: string;
  runOn: Date;
  sha256: string | undefined;
}

/** What the database records, oldest first; empty before the first run. */
export async function appliedMigrations(
  db: Queryable,
): Promise<AppliedMigration[]> {
  const { rows } = await db.query<{ present: boolean; sums: boolean }>(
    `select to_regclass('fluxbase.pgmigrations') is not null as present,
            to_regclass('fluxbase.migration_checksums') is not null as sums`,
  );
  if (!rows[0]?.present) return [];

  const sums = rows[0].sums
    ? 'left join fluxbase.migration_checksums c using (name)'
    : 'left join (select null::text as name, null::text as sha256) c using (name)';
  const applied = await db.query<{
    name: string;
    run_on: Date;
    sha256: string | null;
  }>(
    `select m.name, m.run_on, c.sha256
       from fluxbase.pgmigrations m ${sums}
      order by m.run_on, m.id`,
  );
  return applied.rows.map((row) => ({
    name: row.name,
    runOn: row.run_on,
    sha256: row.sha256 ?? undefined,
  }));
}
