import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { Options, ValidateFunction } from 'ajv-draft-04';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  applyBaseline,
  baselineOf,
  fixScript,
  formatGithub,
  formatJson,
  formatJunit,
  formatSarif,
  formatText,
  LintConfigError,
  type LintReport,
  lintDatabase,
} from '../../src/lint/index.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'mistakes.sql');

/** Every mistake of fixtures/mistakes.sql, and nothing else. */
const EXPECTED = [
  'auth_function_per_row:app.messages.senders',
  'auth_function_per_row:app.tenants_data.tenant',
  'auth_users_exposed:app.people',
  'force_without_enable:app.audit',
  'function_search_path_mutable:app.touch()',
  'materialized_view_exposed:app.note_counts',
  'multiple_permissive_policies:app.messages',
  'null_check_bypass:app.files.owners',
  'partition_without_rls:app.events_2025',
  'policy_always_true:app.guestbook.anyone deletes',
  'policy_always_true:app.posts.anyone reads',
  'policy_always_true:app.posts.anyone writes',
  'policy_column_unindexed:app.messages.sender',
  'policy_exists_rls_disabled:app.comments',
  'policy_to_public:app.Weird "Table" ü.own rows',
  'policy_to_public:app.posts.anyone reads',
  'recursive_policy:app.team_members.team',
  'rls_disabled:app.api_credentials',
  'rls_disabled:app.comments',
  'rls_disabled:app.profiles',
  'rls_enabled_no_policy:app.drafts',
  'rls_not_forced:app.drafts',
  'rls_not_forced:app.likes',
  'security_definer_executable_by_anon:app.grant_role(target uuid)',
  'security_definer_search_path:app.grant_role(target uuid)',
  'sensitive_columns_without_rls:app.api_credentials',
  'truncate_granted:app.settings',
  'user_metadata_in_policy:app.reports.editors',
  'view_bypasses_rls:app.all_notes',
  'view_bypasses_rls:app.people',
];

let t: TestDatabase;
let report: LintReport;

beforeAll(async () => {
  t = await freshDatabase();
  await t.db.exec(`
    create table if not exists auth.users (id uuid primary key, email text);
    alter table auth.users enable row level security;
    alter table auth.users force row level security;`);
  await t.db.exec(readFileSync(FIXTURE, 'utf8'));
  report = await lintDatabase({ db: t.db, schemas: ['app'] });
});
afterAll(() => t.drop());

describe('the fixture with 30 mistakes', () => {
  it('finds exactly the 30 mistakes and flags no correct object', () => {
    expect(report.findings.map((f) => f.key).sort()).toEqual(EXPECTED);
  });

  it('honours the suppression comment that rls.public_read() writes', () => {
    expect(report.suppressed).toEqual([
      {
        finding: expect.objectContaining({
          key: 'policy_always_true:app.countries.public_read',
        }),
        source: 'comment',
        reason: 'public by rls.public_read()',
      },
    ]);
  });

  it('orders findings by level, then rule number, then object', () => {
    const order = report.findings.map((f) => `${f.level} ${f.id} ${f.object}`);
    const levels = ['ERROR', 'WARN', 'INFO'];
    const sorted = [...report.findings]
      .sort(
        (a, b) =>
          levels.indexOf(a.level) - levels.indexOf(b.level) ||
          a.id.localeCompare(b.id) ||
          (a.object < b.object ? -1 : 1),
      )
      .map((f) => `${f.level} ${f.id} ${f.object}`);
    expect(order).toEqual(sorted);
  });
});

describe('output formats', () => {
  it('prints JSON findings with rule, level, category, object, message, fix and key', () => {
    const body = JSON.parse(formatJson(report));
    const finding = body.findings.find(
      (f: { key: string }) => f.key === 'rls_disabled:app.profiles',
    );
    expect(finding).toMatchObject({
      rule: 'rls_disabled',
      level: 'ERROR',
      category: 'SECURITY',
      object: 'app.profiles',
      message:
        'row level security is disabled on table app.profiles, which authenticated can read or write',
      fix: 'alter table app.profiles enable row level security;',
      key: 'rls_disabled:app.profiles',
    });
    expect(body.summary).toEqual({
      error: 13,
      warn: 13,
      info: 4,
      suppressed: 1,
    });
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema', () => {
    const require = createRequire(import.meta.url);
    const AjvDraft04 = require('ajv-draft-04') as new (
      options: Options,
    ) => { compile(schema: unknown): ValidateFunction };
    const addFormats = require('ajv-formats') as (ajv: unknown) => void;
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const ajv = new AjvDraft04({
      allErrors: true,
      strict: false,
      unicodeRegExp: false,
    });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(formatSarif(report));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: '2.1.0' }), 'a log without runs').toBe(false);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results).toHaveLength(30);
    expect(log.runs[0].tool.driver.rules).toHaveLength(22);
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'fluxbase.yaml' },
      region: { startLine: 1 },
    });
  });

  it('writes JUnit with a suite per rule and a failure per finding', () => {
    const xml = formatJunit(report);
    expect(xml).toContain(
      '<testsuites name="fluxbase-cli lint" tests="30" failures="30">',
    );
    expect(xml.match(/<testsuite /g)).toHaveLength(22);
    expect(xml).toContain(
      '<testcase classname="policy_to_public" name="app.Weird &quot;Table&quot; ü.own rows">',
    );
  });

  it('writes one GitHub annotation per finding', () => {
    const lines = formatGithub(report).trimEnd().split('\n');
    expect(lines).toHaveLength(30);
    expect(lines[0]).toBe(
      '::error title=rls_disabled app.api_credentials::row level security is disabled on table app.api_credentials, which anon can read or write. Fix: alter table app.api_credentials enable row level security;',
    );
    expect(lines.filter((l) => l.startsWith('::notice '))).toHaveLength(4);
  });

  it('groups text by level with why and fix, and ends with a summary', () => {
    const text = formatText(report);
    expect(text).not.toContain('\x1b[');
    expect(text.indexOf('ERROR (13)')).toBeLessThan(text.indexOf('WARN (13)'));
    expect(text.indexOf('WARN (13)')).toBeLessThan(text.indexOf('INFO (4)'));
    expect(text).toContain(
      [
        '  truncate_granted  app.settings',
        '    anon, authenticated may truncate table app.settings, and row level security does not apply to TRUNCATE',
        '    why: Row level security does not apply to TRUNCATE: whoever holds it can empty the table whatever the policies say.',
        '    fix:',
        '      revoke truncate on table app.settings from public, anon, authenticated;',
      ].join('\n'),
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '30 findings: 13 errors, 13 warnings, 4 info (1 suppressed)',
    );
    expect(formatText(report, { color: true })).toContain('\x1b[31m');
  });
});

describe('suppression', () => {
  it('drops a finding that lint.ignore matches by rule and object glob', async () => {
    const ignored = await lintDatabase({
      db: t.db,
      schemas: ['app'],
      ignore: [
        { rule: 'rls_disabled', object: 'app.prof*', reason: 'a directory' },
      ],
    });
    expect(ignored.findings.map((f) => f.key)).not.toContain(
      'rls_disabled:app.profiles',
    );
    expect(ignored.findings).toHaveLength(29);
    expect(ignored.suppressed.map((s) => [s.finding.key, s.source])).toEqual([
      ['rls_disabled:app.profiles', 'config'],
      ['policy_always_true:app.countries.public_read', 'comment'],
    ]);
  });

  it('refuses an ignore entry that names no rule', async () => {
    const run = lintDatabase({
      db: t.db,
      ignore: [{ rule: 'rls_disabld', object: '*', reason: 'typo' }],
    });
    await expect(run).rejects.toThrow(LintConfigError);
    await expect(run).rejects.toThrow(
      'lint.ignore[0].rule: unknown rule rls_disabld (see docs/lint.md for the rule names)',
    );
  });

  it('drops a finding whose object carries an ignore comment with a reason', async () => {
    await t.db.exec(`comment on materialized view app.note_counts is
      'counts only\n@fluxbase-lint-ignore materialized_view_exposed: counts are public'`);
    await t.db.exec(`comment on table app.audit is
      '@fluxbase-lint-ignore force_without_enable'`);
    const after = await lintDatabase({ db: t.db, schemas: ['app'] });
    await t.db.exec(`comment on materialized view app.note_counts is null;
      comment on table app.audit is null`);

    const silenced = after.suppressed.find(
      (s) => s.finding.rule === 'materialized_view_exposed',
    );
    expect(silenced?.reason).toBe('counts are public');
    expect(after.findings.map((f) => f.key)).toContain(
      'force_without_enable:app.audit',
    );
    expect(after.findings).toHaveLength(29);
  });

  it('reports only new findings against a baseline', async () => {
    const baseline = baselineOf(report.findings);
    expect(baseline.findings).toHaveLength(30);
    await t.db.exec(`create table app.newcomer (id int);
      grant select on app.newcomer to anon;`);
    const after = await lintDatabase({ db: t.db, schemas: ['app'], baseline });
    await t.db.exec('drop table app.newcomer');

    expect(after.findings.map((f) => f.key)).toEqual([
      'rls_disabled:app.newcomer',
    ]);
    expect(
      after.suppressed.filter((s) => s.source === 'baseline'),
    ).toHaveLength(30);
    expect(applyBaseline(report.findings, baseline).findings).toEqual([]);
  });
});

describe('--fix', () => {
  it('prints the fixes that are safe to apply and lists the rest', () => {
    const script = fixScript(report.findings);
    expect(script.split('\n').slice(0, 13)).toEqual([
      '-- fluxbase-cli lint --fix: remediations safe to apply',
      'begin;',
      '-- policy_exists_rls_disabled: app.comments',
      'alter table app.comments enable row level security;',
      '-- truncate_granted: app.settings',
      'revoke truncate on table app.settings from public, anon, authenticated;',
      '-- rls_not_forced: app.drafts',
      'alter table app.drafts force row level security;',
      '-- rls_not_forced: app.likes',
      'alter table app.likes force row level security;',
      '-- policy_column_unindexed: app.messages.sender',
      'create index on app.messages (sender);',
      'commit;',
    ]);
    expect(script).toContain('-- 25 more need a person to decide:');
  });

  it('leaves none of the fixed findings once the script is applied', async () => {
    await t.db.exec(fixScript(report.findings));
    const after = await lintDatabase({ db: t.db, schemas: ['app'] });
    const fixed = report.findings.filter((f) => f.fixable).map((f) => f.key);
    const left = after.findings.map((f) => f.key);
    expect(fixed.filter((key) => left.includes(key))).toEqual([]);
    // Enabling RLS on app.comments shows the next step: forcing it.
    expect(left.filter((key) => !EXPECTED.includes(key))).toEqual([
      'rls_not_forced:app.comments',
    ]);
  });
});
