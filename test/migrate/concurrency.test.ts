import { afterEach, describe, expect, it } from 'vitest';

import {
  LockTimeoutError,
  loadPack,
  MIGRATION_LOCK_KEY,
  migrateUp,
} from '../../src/migrate/index.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';
import { failure } from '../support/failure.ts';

const packNames = (await loadPack()).map((m) => m.name);
const skip = serverOnly('migration locking and roles');

describe.skipIf(skip)('migrations with several sessions', () => {
  let t: TestDatabase;
  afterEach(() => t?.drop());

  it('lets two migrate up processes run at once and applies each migration once', async () => {
    t = await freshDatabase({ empty: true });
    const args = ['migrate', 'up', '--database-url', t.url];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);

    expect([a.code, b.code]).toEqual([0, 0]);
    const applied = [a.stdout, b.stdout].map((out) =>
      out.split('\n').filter((l) => l.startsWith('applied ')),
    );
    expect(applied.flat().sort()).toEqual(
      packNames.map((n) => `applied ${n}`).sort(),
    );
    const { rows } = await t.db.query<{ name: string; n: number }>(
      'select name, count(*)::int as n from fluxbase.pgmigrations group by name',
    );
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(rows.length).toBe(packNames.length);
  });

  it('gives up after the lock timeout while another run holds the lock', async () => {
    t = await freshDatabase({ empty: true });
    const holder = await t.db.session();
    await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const error = await failure(migrateUp({ db: t.db, lockTimeoutMs: 300 }));
      expect(error).toBeInstanceOf(LockTimeoutError);
      expect(error.message).toBe(
        'another migration run holds the migration lock; gave up after 0 s (raise --lock-timeout, or wait for it to finish)',
      );
    } finally {
      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      await holder.release();
    }
    const { rows } = await t.db.query(`select to_regnamespace('auth') as s`);
    expect(rows).toEqual([{ s: null }]);
  });

  it('grants the request roles to a login role so it can SET ROLE', async () => {
    t = await freshDatabase({ empty: true });
    const login = `app_${Math.random().toString(36).slice(2, 8)}`;
    await t.db.query(`create role ${login} login`);
    try {
      await migrateUp({ db: t.db, grantRolesTo: login });
      const { rows } = await t.db.query<{ r: string; member: boolean }>(
        `select r, pg_has_role($1, r, 'member') as member
           from unnest(array['anon', 'authenticated', 'service_role']) r`,
        [login],
      );
      expect(rows).toEqual([
        { r: 'anon', member: true },
        { r: 'authenticated', member: true },
        { r: 'service_role', member: true },
      ]);
    } finally {
      await t.db.query(`drop owned by ${login}`);
      await t.db.query(`drop role ${login}`);
    }
  });

  it('refuses to grant to a role that does not exist', async () => {
    t = await freshDatabase({ empty: true });
    const error = await failure(
      migrateUp({ db: t.db, grantRolesTo: 'no_such_role' }),
    );
    expect(error.message).toBe(
      '--grant-roles-to: role no_such_role does not exist (create it first: create role "no_such_role" login)',
    );
  });
});
