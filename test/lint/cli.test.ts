import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Finding, failsOn } from '../../src/lint/index.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const FIXTURES = 'test/lint/fixtures';

const cli = runCliInProcess;

describe('fluxbase-cli lint --sql', () => {
  it('lints a folder of Supabase-style migrations that use storage, auth.users triggers and SECURITY DEFINER', async () => {
    const { code, stdout } = await cli(
      'lint',
      '--sql',
      `${FIXTURES}/supabase`,
      '--format',
      'json',
    );
    const body = JSON.parse(stdout);
    expect(body.findings.map((f: Finding) => [f.key, f.message])).toEqual([
      [
        'security_definer_search_path:public.is_admin(uid uuid)',
        'SECURITY DEFINER function public.is_admin(uid uuid) does not pin search_path, so a caller can make it run their own objects with the rights of postgres',
      ],
      [
        'security_definer_executable_by_anon:public.is_admin(uid uuid)',
        'SECURITY DEFINER function public.is_admin(uid uuid) can be called by anon (PUBLIC holds EXECUTE) and runs with the rights of postgres',
      ],
      [
        'rls_not_forced:public.profiles',
        'row level security on table public.profiles is not forced, so its owner postgres bypasses every policy',
      ],
    ]);
    expect(body.suppressed).toEqual([
      {
        rule: 'policy_always_true',
        object: 'public.profiles.Profiles are public',
        key: 'policy_always_true:public.profiles.Profiles are public',
        source: 'comment',
        reason: 'usernames and avatars are public',
      },
    ]);
    expect(code).toBe(1);
  });

  it('names file:line:column with a caret when a file fails, and exits 2', async () => {
    const { code, stdout, stderr } = await cli(
      'lint',
      '--sql',
      `${FIXTURES}/broken`,
    );
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        `applying ${FIXTURES}/broken to an embedded database`,
        `error: cannot apply ${FIXTURES}/broken/0002_typo.sql; nothing was linted:`,
        `${FIXTURES}/broken/0002_typo.sql:3:19`,
        'ERROR 42704: type "txet" does not exist',
        '  3 |   add column name txet;',
        '    |                   ^',
        '',
      ].join('\n'),
    );
    expect(code).toBe(2);
  });

  it('names an extension the embedded database lacks, with its file and line', async () => {
    const { code, stderr } = await cli(
      'lint',
      '--sql',
      `${FIXTURES}/postgis/*.sql`,
    );
    expect(stderr.split('\n')[1]).toBe(
      `error: ${FIXTURES}/postgis/0001_geo.sql:3:1: extension "postgis" is not available in the embedded database that lint --sql uses; lint a server that has it instead (fluxbase-cli lint --database-url postgres://...)`,
    );
    expect(code).toBe(2);
  });

  it('applies migrations that call uuid-ossp and pgcrypto in schema extensions, as on Supabase', async () => {
    const { code, stdout, stderr } = await cli(
      'lint',
      '--sql',
      `${FIXTURES}/extensions`,
      '--format',
      'json',
    );
    expect(stderr).toBe(
      `applying ${FIXTURES}/extensions to an embedded database\nno findings in 8 schemas\n`,
    );
    expect(JSON.parse(stdout).findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('refuses a path that holds no SQL file', async () => {
    const { code, stderr } = await cli('lint', '--sql', `${FIXTURES}/none`);
    expect(stderr).toBe(
      [
        `applying ${FIXTURES}/none to an embedded database`,
        `error: --sql ${FIXTURES}/none: no such file, or no .sql file in it`,
        '',
      ].join('\n'),
    );
    expect(code).toBe(2);
  });
});

describe('fluxbase-cli lint on a database', () => {
  let t: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-lint-cli-'));

  beforeAll(async () => {
    t = await freshDatabase({ onDisk: true });
    await t.db.exec(`create schema app;
      grant usage on schema app to anon, authenticated;
      create table app.open (id int);
      grant select on app.open to anon;
      create table app.closed (id int);
      alter table app.closed enable row level security;`);
    if (t.kind === 'embedded') await t.db.close();
  });
  afterAll(() => t.drop());

  it('prints findings as text, exits 1 on an error, and baselines them', async () => {
    const baseline = join(dir, 'baseline.json');
    const first = await cli('lint', '--database-url', t.url, '--schema', 'app');
    expect(first.stdout).toBe(
      [
        'ERROR (1)',
        '  rls_disabled  app.open',
        '    row level security is disabled on table app.open, which anon can read or write',
        '    why: anon, authenticated or PUBLIC hold privileges on a table whose row level security is off, so every row is theirs to read or change.',
        '    fix:',
        '      alter table app.open enable row level security;',
        '',
        'INFO (1)',
        '  rls_not_forced  app.closed',
        '    row level security on table app.closed is not forced, so its owner postgres bypasses every policy',
        "    why: The table's owner passes every policy unless RLS is forced; a backend or job that connects as the owner sees every row.",
        '    fix:',
        '      alter table app.closed force row level security;',
        '',
        '2 findings: 1 error, 0 warnings, 1 info',
        '',
      ].join('\n'),
    );
    expect(first.code).toBe(1);

    const written = await cli(
      'lint',
      '--database-url',
      t.url,
      '--schema',
      'app',
      '--write-baseline',
      baseline,
    );
    expect(written.code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toEqual({
      version: 1,
      findings: [
        {
          key: 'rls_disabled:app.open',
          rule: 'rls_disabled',
          object: 'app.open',
        },
        {
          key: 'rls_not_forced:app.closed',
          rule: 'rls_not_forced',
          object: 'app.closed',
        },
      ],
    });

    const again = await cli(
      'lint',
      '--database-url',
      t.url,
      '--schema',
      'app',
      '--baseline',
      baseline,
    );
    expect(again.stdout).toBe('no findings in 1 schema (2 suppressed)\n');
    expect(again.code).toBe(0);
  });

  it('takes lint.ignore and lint.schemas from fluxbase.yaml, and fails on info when asked', async () => {
    const config = join(dir, 'fluxbase.yaml');
    writeFileSync(
      config,
      [
        'lint:',
        '  schemas: [app]',
        '  ignore:',
        '    - rule: rls_disabled',
        "      object: 'app.*'",
        '      reason: a demo table, public by design',
        '',
      ].join('\n'),
    );
    const run = await cli(
      'lint',
      '--database-url',
      t.url,
      '--config',
      config,
      '--format',
      'github',
      '--fail-on',
      'info',
    );
    expect(run.stdout).toBe(
      '::notice title=rls_not_forced app.closed::row level security on table app.closed is not forced, so its owner postgres bypasses every policy. Fix: alter table app.closed force row level security;\n',
    );
    expect(run.code).toBe(1);
  });
});

describe('--fail-on', () => {
  const finding = (level: Finding['level']) => ({ level }) as Finding;

  it('fails at or above the level given, and never with never', () => {
    const warn = [finding('WARN')];
    expect(failsOn(warn, 'error')).toBe(false);
    expect(failsOn(warn, 'warn')).toBe(true);
    expect(failsOn(warn, 'info')).toBe(true);
    expect(failsOn([finding('ERROR')], 'never')).toBe(false);
    expect(failsOn([], 'info')).toBe(false);
  });
});
