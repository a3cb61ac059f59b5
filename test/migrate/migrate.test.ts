import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/shared.ts';
import {
  loadPack,
  MigrationError,
  migrateDown,
  migrateRedo,
  migrateUp,
  migrationStatus,
  PackConflictError,
} from '../../src/migrate/index.ts';
import {
  freshDatabase,
  freshEmbedded,
  hasServer,
  type TestDatabase,
} from '../support/db.ts';
import { failure } from '../support/failure.ts';
import { migrationsWith } from '../support/migrations.ts';

const PACK_SCHEMAS = ['auth', 'fluxbase', 'ratelimit', 'rls', 'tests', 'vault'];
const packNames = (await loadPack()).map((m) => m.name);

async function schemas(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ nspname: string }>(
    'select nspname from pg_namespace where nspname = any($1) order by 1',
    [PACK_SCHEMAS],
  );
  return rows.map((r) => r.nspname);
}

async function appliedCounts(db: Database) {
  const { rows } = await db.query<{ name: string; n: number }>(
    'select name, count(*)::int as n from fluxbase.pgmigrations group by name order by name',
  );
  return rows;
}

/** take()'s return type, and whether ratelimit.decision exists. */
async function takeReturns(db: Database): Promise<[string, boolean]> {
  const { rows } = await db.query<{ type: string; named: boolean }>(
    `select prorettype::regtype::text as type,
            to_regtype('ratelimit.decision') is not null as named
       from pg_proc
      where oid = 'ratelimit.take(text, integer, interval, integer)'
        ::regprocedure`,
  );
  return [rows[0]!.type, rows[0]!.named];
}

/** Four take() calls on a clock stopped at 1000 ms, as record text. */
async function takeDecisions(db: Database): Promise<string[]> {
  await db.exec(`
    create or replace function ratelimit.clock_ms() returns bigint
    language sql volatile as $$ select 1000::bigint $$;
    delete from ratelimit.buckets;`);
  const calls: [string, number, string, number][] = [
    ['m:a', 7, '1 second', 3],
    ['m:a', 7, '1 second', 3],
    ['m:a', 7, '1 second', 3],
    ['m:b', 1, '1 hour', 1],
  ];
  const out: string[] = [];
  for (const args of calls) {
    const { rows } = await db.query<{ d: string }>(
      'select ratelimit.take($1, $2, $3::interval, $4)::text as d',
      args,
    );
    out.push(rows[0]!.d);
  }
  return out;
}

const backends = [
  ...(hasServer
    ? [['server', () => freshDatabase({ empty: true })] as const]
    : []),
  ['embedded', () => freshEmbedded({ empty: true })] as const,
];

describe.each(backends)('migrations on the %s database', (_kind, fresh) => {
  let t: TestDatabase;
  afterEach(() => t?.drop());

  it('applies every migration once, and a second run does nothing', async () => {
    t = await fresh();
    const first = await migrateUp({ db: t.db });
    expect(first.migrations).toEqual(packNames);

    const second = await migrateUp({ db: t.db });
    expect(second.migrations).toEqual([]);
    expect(await appliedCounts(t.db)).toEqual(
      packNames
        .map((name) => ({ name, n: 1 }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('reports every migration as applied with a matching checksum', async () => {
    t = await fresh();
    await migrateUp({ db: t.db });
    const status = await migrationStatus({ db: t.db });
    expect(status.drift).toBe(false);
    expect(status.migrations.map((m) => [m.name, m.state])).toEqual(
      packNames.map((name) => [name, 'applied']),
    );
  });

  it('leaves none of the pack schemas after down --all, but keeps the roles', async () => {
    t = await fresh();
    await migrateUp({ db: t.db });
    expect(await schemas(t.db)).toContain('auth');

    const down = await migrateDown({ db: t.db, count: 'all' });
    expect(down.migrations).toEqual([...packNames].reverse());
    expect(await schemas(t.db)).toEqual([]);
    const { rows } = await t.db.query<{ rolname: string }>(
      `select rolname from pg_roles
        where rolname in ('anon', 'authenticated', 'service_role') order by 1`,
    );
    expect(rows.map((r) => r.rolname)).toEqual([
      'anon',
      'authenticated',
      'service_role',
    ]);
  });

  it('installs again after down --all', async () => {
    t = await fresh();
    await migrateUp({ db: t.db });
    await migrateDown({ db: t.db, count: 'all' });
    expect((await migrateUp({ db: t.db })).migrations).toEqual(packNames);
  });

  it('refuses to install over an auth schema it did not create, and changes nothing', async () => {
    t = await fresh();
    await t.db.exec(`
      create schema auth;
      create table auth.users (id int primary key);
      create function auth.uid() returns int language sql as 'select 1';
    `);

    const error = await failure(migrateUp({ db: t.db }));
    expect(error).toBeInstanceOf(PackConflictError);
    expect((error as PackConflictError).message).toBe(
      [
        'refusing to install: schema auth already exists and was not created by fluxbase-cli. Objects in the way:',
        '  schema auth',
        '  table auth.users',
        '  function auth.uid()',
        'Rename or drop them, or install into another database. Nothing was changed.',
      ].join('\n'),
    );
    expect(await schemas(t.db)).toEqual(['auth']);
    const { rows } = await t.db.query('select auth.uid() as v');
    expect(rows).toEqual([{ v: 1 }]);
  });

  it('rolls back a failing migration whole and points at the line', async () => {
    t = await fresh();
    const { dir, sqlDir } = migrationsWith({
      '9001_broken': {
        sql: {
          'broken.sql':
            'create table public.half (id int);\n\ninsert into public.half\n  values (1), (nope);\n',
        },
      },
    });

    const error = await failure(migrateUp({ db: t.db, dir }));
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toBe(
      [
        'migration 9001_broken failed and was rolled back:',
        `${join(sqlDir, 'broken.sql')}:4:16`,
        'ERROR 42703: column "nope" does not exist',
        '  4 |   values (1), (nope);',
        '    |                ^',
      ].join('\n'),
    );

    const { rows } = await t.db.query(`select to_regclass('public.half') as t`);
    expect(rows).toEqual([{ t: null }]);
    expect((await appliedCounts(t.db)).map((r) => r.name)).toEqual(packNames);
  });

  it('reports drift when a file changed after it was applied', async () => {
    t = await fresh();
    const { dir, sqlDir } = migrationsWith({
      '9002_notes': {
        sql: { 'notes.sql': 'create table public.notes (id int);\n' },
      },
    });
    await migrateUp({ db: t.db, dir });
    expect((await migrationStatus({ db: t.db, dir })).drift).toBe(false);

    writeFileSync(
      join(sqlDir, 'notes.sql'),
      'create table public.notes (id bigint);\n',
    );
    const status = await migrationStatus({ db: t.db, dir });
    expect(status.drift).toBe(true);
    expect(status.migrations.filter((m) => m.state !== 'applied')).toEqual([
      expect.objectContaining({ name: '9002_notes', state: 'drift' }),
    ]);
  });

  it('prints the SQL on a dry run and applies nothing', async () => {
    t = await fresh();
    const result = await migrateUp({ db: t.db, dryRun: true });
    expect(result.migrations).toEqual(packNames);
    expect(result.sql).toContain('-- migration 0001_foundation (up)');
    expect(result.sql).toContain(
      'create or replace function auth.uid() returns uuid',
    );
    expect(await schemas(t.db)).toEqual([]);
  });

  it('stops after the migration named by --to', async () => {
    t = await fresh();
    const result = await migrateUp({ db: t.db, to: '0001_foundation' });
    expect(result.migrations).toEqual(['0001_foundation']);
    const error = await failure(migrateUp({ db: t.db, to: 'nope' }));
    expect(error.message).toBe(
      `no migration named nope (the pack has: ${packNames.join(', ')})`,
    );
  });

  it('redoes the newest migration', async () => {
    t = await fresh();
    await migrateUp({ db: t.db });
    const result = await migrateRedo({ db: t.db });
    const last = packNames.at(-1)!;
    expect(result.migrations).toEqual([last]);
    expect((await migrationStatus({ db: t.db })).drift).toBe(false);
  });

  it('puts the take() of 0040 back when 0041 goes down, with the same decisions and the clock left alone', async () => {
    t = await fresh();
    await migrateUp({ db: t.db });
    const upDecisions = await takeDecisions(t.db);
    expect(upDecisions).toEqual([
      '(t,4,0,429)',
      '(t,1,0,858)',
      '(f,1,286,858)',
      '(t,0,0,3600000)',
    ]);
    expect(await takeReturns(t.db)).toEqual(['ratelimit.decision', true]);

    const down = await migrateDown({ db: t.db, count: 1 });
    expect(down.migrations).toEqual(['0041_ratelimit_take']);
    expect(await takeReturns(t.db)).toEqual(['record', false]);
    const { rows } = await t.db.query<{ now: string }>(
      'select ratelimit.clock_ms()::text as now',
    );
    expect(rows).toEqual([{ now: '1000' }]);
    expect(await takeDecisions(t.db)).toEqual(upDecisions);

    await migrateUp({ db: t.db });
    expect(await takeReturns(t.db)).toEqual(['ratelimit.decision', true]);
  });

  it('redoes nothing, and installs nothing, when no migration is applied', async () => {
    t = await fresh();
    expect(await migrateRedo({ db: t.db })).toEqual({ migrations: [] });
    expect(await schemas(t.db)).toEqual([]);
  });
});
