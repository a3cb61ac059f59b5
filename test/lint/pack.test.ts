import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lintDatabase } from '../../src/lint/runner.ts';
import { migrateDown, migrateUp } from '../../src/migrate/runner.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t.drop());

describe('the pack lints clean', () => {
  it('reports nothing on a database with only the whole pack migrated', async () => {
    const report = await lintDatabase({ db: t.db });
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toEqual([]);
    expect(report.schemas).toContain('auth');
    expect(report.schemas).toContain('rls');
    expect(report.schemas).not.toContain('pg_catalog');
  });

  it('reports nothing with the test helpers installed too', async () => {
    await migrateUp({ db: t.db, withTestHelpers: true });
    const report = await lintDatabase({ db: t.db });
    expect(report.schemas).toContain('tests');
    expect(report.findings).toEqual([]);
  });

  it('skips objects that belong to extensions', async () => {
    await t.db.exec('create extension if not exists pgtap');
    const report = await lintDatabase({ db: t.db });
    expect(report.findings).toEqual([]);
  });

  it('refuses to lint a schema that does not exist', async () => {
    await expect(lintDatabase({ db: t.db, schemas: ['nope'] })).rejects.toThrow(
      /^no schema named nope to lint \(the database has: /,
    );
  });

  it('removes the test helpers with migrate down --all', async () => {
    await migrateDown({ db: t.db, count: 'all' });
    const { rows } = await t.db.query(
      `select nspname from pg_catalog.pg_namespace
        where nspname in ('tests', 'rls', 'auth', 'fluxbase')`,
    );
    expect(rows).toEqual([]);
  });

  it('refuses to install the helpers over a tests schema of somebody else', async () => {
    await t.db.exec('create schema tests');
    await expect(
      migrateUp({ db: t.db, withTestHelpers: true }),
    ).rejects.toThrow(/schema tests already exists and was not created/);
    const { rows } = await t.db.query(
      `select 1 from pg_catalog.pg_namespace where nspname = 'auth'`,
    );
    expect(rows, 'nothing was installed').toEqual([]);
    await t.db.exec('drop schema tests');
  });
});
