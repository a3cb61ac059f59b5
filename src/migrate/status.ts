import type { Queryable } from '../db/shared.ts';
import { loadPack } from './load.ts';
import { appliedMigrations } from './state.ts';

/**
 * applied: recorded and unchanged; pending: not yet applied; drift: its
 * files changed after it was applied; missing: recorded, but the pack no
 * longer has it.
 */
export type MigrationState = 'applied' | 'pending' | 'drift' | 'missing';

export interface MigrationStatus {
  name: string;
  state: MigrationState;
  appliedAt: Date | undefined;
}

export interface StatusReport {
  migrations: MigrationStatus[];
  /** True when any migration drifted or went missing. */
  drift: boolean;
}

/**
 * Compares the pack with what the database records.
 *
 * @example
 * const { drift } = await migrationStatus({ db });
 */
export async function migrationStatus(options: {
  db: Queryable;
  dir?: string;
}): Promise<StatusReport> {
  const pack = await loadPack(options.dir);
  const applied = await appliedMigrations(options.db);
  const byName = new Map(applied.map((m) => [m.name, m]));

  const rows: MigrationStatus[] = pack.map((m) => {
    const record = byName.get(m.name);
    if (!record)
      return { name: m.name, state: 'pending', appliedAt: undefined };
    const state = record.sha256 === m.sha256 ? 'applied' : 'drift';
    return { name: m.name, state, appliedAt: record.runOn };
  });
  for (const record of applied) {
    if (pack.some((m) => m.name === record.name)) continue;
    rows.push({ name: record.name, state: 'missing', appliedAt: record.runOn });
  }

  const drift = rows.some((r) => r.state === 'drift' || r.state === 'missing');
  return { migrations: rows, drift };
}
