import { afterEach, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/shared.ts';
import {
  DependentObjectsError,
  loadPack,
  migrateDown,
} from '../../src/migrate/index.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { failure } from '../support/failure.ts';

const packNames = (await loadPack()).map((m) => m.name);

const NOTES = `
  create table public.notes (id int, user_id uuid default auth.uid());
  alter table public.notes enable row level security;
  create policy "select own rows" on public.notes
    for select using (user_id = auth.uid());`;
const PROFILES = `
  create table public.profiles (id uuid primary key references auth.users);`;

function refusal(objects: string[]): string {
  return [
    'refusing to revert: these objects depend on what migrate down would drop, and would be dropped with it or stop it halfway:',
    ...objects.map((o) => `  ${o}`),
    'Drop them, or change them so that they no longer use the pack, then run migrate down again. Nothing was reverted.',
  ].join('\n');
}

async function appliedNames(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    'select name from fluxbase.pgmigrations order by run_on, id',
  );
  return rows.map((r) => r.name);
}

describe('migrate down with objects of the user that use the pack', () => {
  let t: TestDatabase;
  afterEach(() => t?.drop());

  it('refuses to drop a policy and a default that use auth.uid(), and reverts nothing', async () => {
    t = await freshDatabase();
    await t.db.exec(NOTES);
    const expected = refusal([
      'default value of column user_id of table public.notes',
      'policy "select own rows" on table public.notes',
    ]);

    const error = await failure(migrateDown({ db: t.db, count: 'all' }));
    expect(error).toBeInstanceOf(DependentObjectsError);
    expect(error.message).toBe(expected);
    const dry = await failure(
      migrateDown({ db: t.db, count: 'all', dryRun: true }),
    );
    expect(dry.message).toBe(expected);

    expect(await appliedNames(t.db)).toEqual(packNames);
    const { rows } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from pg_policies where tablename = 'notes'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('refuses before a foreign key into auth.users would stop it halfway', async () => {
    t = await freshDatabase();
    await t.db.exec(PROFILES);
    const error = await failure(migrateDown({ db: t.db, count: 'all' }));
    expect(error.message).toBe(
      refusal(['constraint profiles_id_fkey on table public.profiles']),
    );
    expect(await appliedNames(t.db)).toEqual(packNames);
  });

  it('still reverts migrations that nothing of the user depends on', async () => {
    t = await freshDatabase();
    await t.db.exec(PROFILES);
    const down = await migrateDown({ db: t.db, count: 2 });
    expect(down.migrations).toEqual(packNames.slice(-2).reverse());
  });

  it('exits 1 from the CLI, listing every object, dry run or not', async () => {
    t = await freshDatabase({ onDisk: true });
    await t.db.exec(NOTES + PROFILES);
    if (t.kind === 'embedded') await t.db.close();
    const expected = `error: ${refusal([
      'constraint profiles_id_fkey on table public.profiles',
      'default value of column user_id of table public.notes',
      'policy "select own rows" on table public.notes',
    ])}\n`;

    for (const extra of [[], ['--dry-run']]) {
      const args = ['migrate', 'down', '--all', ...extra];
      const result = await runCli([...args, '--database-url', t.url]);
      expect(result.stderr).toBe(expected);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(1);
    }
    if (t.kind === 'embedded') t.db = await t.open();
    expect(await appliedNames(t.db)).toEqual(packNames);
  });
});
