import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateUp } from '../../src/migrate/runner.ts';
import { runTestFiles } from '../../src/testing/index.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';

const FILES = 'test/lint/fixtures/pgtap';

const cli = runCliInProcess;

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase({ onDisk: true });
  await migrateUp({ db: t.db, withTestHelpers: true });
});
afterAll(async () => {
  if (t.kind === 'embedded') await t.db.close();
  await t.drop();
});

describe('running users pgTAP files', () => {
  it('runs each file in a transaction that is rolled back', async () => {
    const results = await runTestFiles({ db: t.db, paths: [FILES] });
    expect(
      results.map((r) => ({ file: r.file, ok: r.ok, failed: r.failed })),
    ).toEqual([
      { file: `${FILES}/01_passes.sql`, ok: true, failed: [] },
      {
        file: `${FILES}/02_fails.sql`,
        ok: false,
        failed: [
          'not ok 1 - every table in schema public has row level security',
        ],
      },
    ]);
    expect(results[1]!.lines).toContain('# without row level security: leaky');
    const { rows } = await t.db.query(
      `select to_regclass('public.scratch') as scratch,
              to_regclass('public.leaky') as leaky`,
    );
    expect(rows).toEqual([{ scratch: null, leaky: null }]);
  });

  it('reports a file that stops with an error as a failure with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fluxbase-pgtap-'));
    const file = join(dir, 'broken.sql');
    writeFileSync(file, 'select plan(1);\nselect oops();\n');
    const [result] = await runTestFiles({ db: t.db, paths: [file], cwd: dir });
    expect(result!.ok).toBe(false);
    expect(result!.error?.split('\n').slice(0, 2)).toEqual([
      'broken.sql:2:8',
      'ERROR 42883: function oops() does not exist',
    ]);
  });

  it('prints TAP per file and exits 0 when every test passes, then JUnit and 1 on a failure', async () => {
    if (t.kind === 'embedded') await t.db.close();
    const passing = await cli(
      'test',
      '--database-url',
      t.url,
      `${FILES}/01_passes.sql`,
    );
    expect(passing.stdout).toBe(
      [
        `# ${FILES}/01_passes.sql`,
        '1..3',
        'ok 1 - every table in schema public has row level security',
        'ok 2 - create_user gives an id',
        'ok 3 - the same e-mail gives the same user',
        '# 1 of 1 files passed',
        '',
      ].join('\n'),
    );
    expect(passing.code).toBe(0);

    const { code, stdout } = await cli(
      'test',
      '--database-url',
      t.url,
      `${FILES}/02_fails.sql`,
      '--format',
      'junit',
    );
    expect(stdout).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="fluxbase-cli test">',
        `  <testsuite name="${FILES}/02_fails.sql" tests="2" failures="1">`,
        `    <testcase classname="${FILES}/02_fails.sql" name="every table in schema public has row level security">`,
        '      <failure message="not ok 1 - every table in schema public has row level security"/>',
        '    </testcase>',
        `    <testcase classname="${FILES}/02_fails.sql" name="this one passes"/>`,
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    expect(code).toBe(1);
    if (t.kind === 'embedded') t.db = await t.open();
  });
});

function sqlFile(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-pgtap-'));
  writeFileSync(join(dir, name), text);
  return { dir, file: join(dir, name) };
}

async function tablesAndPgtap(db: TestDatabase['db'], names: string[]) {
  const { rows } = await db.query(
    `select array(select n from unnest($1::text[]) as n
                   where to_regclass('public.' || n) is not null) as tables,
            exists (select from pg_extension where extname = 'pgtap') as pgtap`,
    [names],
  );
  return rows[0];
}

describe('files that end the transaction themselves', () => {
  const LEAK = [
    'begin;',
    'select plan(1);',
    'create table public.fresh_leak1(id int);',
    'select ok(true);',
    'select * from finish();',
    'commit;',
    'create table public.fresh_leak2(id int);',
    '',
  ].join('\n');

  it('refuses a file that commits, naming file:line, and leaves nothing behind', async () => {
    const fresh = await freshDatabase({ empty: true });
    try {
      expect(await tablesAndPgtap(fresh.db, [])).toEqual({
        tables: [],
        pgtap: false,
      });
      const { dir, file } = sqlFile('leak.sql', LEAK);
      const results = await runTestFiles({
        db: fresh.db,
        paths: [file],
        cwd: dir,
      });
      const message =
        'leak.sql:6: commits its transaction; fluxbase-cli test rolls every file back, so end it with ROLLBACK or nothing';
      expect(results).toEqual([
        {
          file: 'leak.sql',
          error: message,
          failed: [message],
          lines: [],
          ok: false,
          passed: 0,
          planned: undefined,
        },
      ]);
      expect(
        await tablesAndPgtap(fresh.db, ['fresh_leak1', 'fresh_leak2']),
      ).toEqual({ tables: [], pgtap: false });
    } finally {
      if (fresh.kind === 'embedded') await fresh.db.close();
      await fresh.drop();
    }
  });

  it('runs a Supabase-style file (begin ... finish, rollback) and leaves neither its table nor pgTAP', async () => {
    const fresh = await freshDatabase({ empty: true });
    try {
      expect(await tablesAndPgtap(fresh.db, [])).toEqual({
        tables: [],
        pgtap: false,
      });
      const { dir, file } = sqlFile(
        'supabase_style.sql',
        LEAK.replace('commit;', 'rollback;').replace(
          'create table public.fresh_leak2(id int);',
          '',
        ),
      );
      const [result] = await runTestFiles({
        db: fresh.db,
        paths: [file],
        cwd: dir,
      });
      expect({ ok: result!.ok, error: result!.error }).toEqual({
        ok: true,
        error: undefined,
      });
      expect(result!.lines.filter(Boolean)).toEqual(['1..1', 'ok 1']);
      expect(await tablesAndPgtap(fresh.db, ['fresh_leak1'])).toEqual({
        tables: [],
        pgtap: false,
      });
    } finally {
      if (fresh.kind === 'embedded') await fresh.db.close();
      await fresh.drop();
    }
  });

  it('prints the refusal and exits 1 from the CLI', async () => {
    const { dir } = sqlFile('leak.sql', LEAK);
    if (t.kind === 'embedded') await t.db.close();
    const { code, stdout } = await cli(
      'test',
      '--database-url',
      t.url,
      join(dir, 'leak.sql'),
    );
    if (t.kind === 'embedded') t.db = await t.open();
    const file = relative(process.cwd(), join(dir, 'leak.sql'));
    expect(stdout).toBe(
      [
        `# ${file}`,
        `not ok - ${file} stopped:`,
        `${file}:6: commits its transaction; fluxbase-cli test rolls every file back, so end it with ROLLBACK or nothing`,
        `# 0 of 1 files passed; failing: ${file}`,
        '',
      ].join('\n'),
    );
    expect(code).toBe(1);
    expect(await tablesAndPgtap(t.db, ['fresh_leak1', 'fresh_leak2'])).toEqual(
      expect.objectContaining({ tables: [] }),
    );
  });
});

describe('fluxbase-cli test arguments', () => {
  it('names a path that matches nothing as it was given, and exits 2', async () => {
    const { code, stdout, stderr } = await cli(
      'test',
      '--database-url',
      t.url,
      'nosuchdir',
    );
    expect(stderr).toBe(
      'error: nosuchdir: no such file, or no .sql file in it\n',
    );
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });
});

describe('the tests helpers', () => {
  it.skipIf(serverOnly('switches roles inside a transaction'))(
    'authenticate_as sets the role and the full claims; clear_authentication drops them',
    async () => {
      const seen = await t.db.transaction(async (tx) => {
        const { rows: made } = await tx.query<{ id: string }>(
          `select tests.create_user('grace@example.com') as id`,
        );
        await tx.query(`select tests.authenticate_as('grace@example.com')`);
        const as = await tx.query(
          `select current_user as role, auth.uid() as uid, auth.jwt() as claims`,
        );
        await tx.query(`select tests.authenticate_as($1)`, [made[0]!.id]);
        const byId = await tx.query('select auth.email() as email');
        await tx.query('select tests.clear_authentication()');
        const cleared = await tx.query(
          'select current_user as role, auth.uid() as uid',
        );
        await tx.query('select tests.authenticate_as_service_role()');
        const service = await tx.query('select current_user as role');
        return { id: made[0]!.id, as, byId, cleared, service };
      });
      const row = seen.as.rows[0] as {
        role: string;
        uid: string;
        claims: Record<string, string>;
      };
      expect(row.role).toBe('authenticated');
      expect(row.uid).toBe(seen.id);
      expect(Object.keys(row.claims).sort()).toEqual([
        'aal',
        'aud',
        'email',
        'role',
        'session_id',
        'sub',
      ]);
      expect(row.claims).toMatchObject({
        sub: seen.id,
        role: 'authenticated',
        email: 'grace@example.com',
        aal: 'aal1',
      });
      expect(seen.byId.rows).toEqual([{ email: 'grace@example.com' }]);
      expect(seen.cleared.rows).toEqual([{ role: 'anon', uid: null }]);
      expect(seen.service.rows).toEqual([{ role: 'service_role' }]);
    },
  );

  it('names the user that authenticate_as cannot find', async () => {
    await expect(
      t.db.query(`select tests.authenticate_as('nobody@example.com')`),
    ).rejects.toThrow('tests.authenticate_as: no user nobody@example.com');
  });
});
