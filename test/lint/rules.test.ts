import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/lint/rules.ts';
import { lintDatabase } from '../../src/lint/runner.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

/** One rule's story: clean, then one mistake, then the fix. */
interface Case {
  rule: string;
  baseline: string;
  violation: string;
  message: string;
  object: string;
  fix: string;
}

const OWN = 'user_id = (select auth.uid())';

const CASES: Case[] = [
  {
    rule: 'rls_disabled',
    baseline: 'create table s.t (id int);',
    violation: 'grant select on s.t to anon;',
    message:
      'row level security is disabled on table s.t, which anon can read or write',
    object: 's.t',
    fix: 'alter table s.t enable row level security;',
  },
  {
    rule: 'policy_exists_rls_disabled',
    baseline: 'create table s.t (id int, user_id uuid);',
    violation: `create policy own on s.t to authenticated using (${OWN});`,
    message:
      'row level security is disabled on table s.t, so its policies are ignored: own',
    object: 's.t',
    fix: 'alter table s.t enable row level security;',
  },
  {
    rule: 'rls_enabled_no_policy',
    baseline:
      'create table s.t (id int); alter table s.t enable row level security;',
    violation: 'grant select on s.t to authenticated;',
    message:
      'row level security is enabled on table s.t but it has no policy, so authenticated get no row',
    object: 's.t',
    fix: 'create policy readable on s.t for select to authenticated using (true);',
  },
  {
    rule: 'force_without_enable',
    baseline: 'create table s.t (id int);',
    violation: 'alter table s.t force row level security;',
    message:
      'table s.t forces row level security but never enables it, so it is not applied',
    object: 's.t',
    fix: 'alter table s.t enable row level security;',
  },
  {
    rule: 'rls_not_forced',
    baseline:
      'create table s.t (id int); alter table s.t enable row level security; alter table s.t force row level security;',
    violation: 'alter table s.t no force row level security;',
    message:
      'row level security on table s.t is not forced, so its owner postgres bypasses every policy',
    object: 's.t',
    fix: 'alter table s.t force row level security;',
  },
  {
    rule: 'policy_always_true',
    baseline: `create table s.t (id int, user_id uuid);
      alter table s.t enable row level security;
      create policy reads on s.t for select to authenticated using (true);`,
    violation:
      'create policy writes on s.t for insert to authenticated with check (true);',
    message:
      'policy writes on s.t (insert to authenticated) has WITH CHECK (true), which allows every row',
    object: 's.t.writes',
    fix: `alter policy writes on s.t with check (${OWN});`,
  },
  {
    rule: 'policy_to_public',
    baseline: `create table s.t (id int, user_id uuid);
      create policy mine on s.t for select to authenticated using (${OWN});`,
    violation: `create policy "any one" on s.t for select using (${OWN});`,
    message:
      'policy "any one" on s.t has no TO clause, so it applies to every role, anon included',
    object: 's.t.any one',
    fix: 'alter policy "any one" on s.t to authenticated;',
  },
  {
    rule: 'auth_function_per_row',
    baseline: `create table s.t (id int, user_id uuid, team text);
      create policy mine on s.t to authenticated using (${OWN});`,
    violation: `alter policy mine on s.t using (
      ${OWN} or user_id = auth.uid());`,
    message:
      'policy mine on s.t calls auth.uid() once per row: wrap each call in a sub-select, e.g. (select auth.uid())',
    object: 's.t.mine',
    fix: `alter policy mine on s.t using (${OWN});`,
  },
  {
    rule: 'multiple_permissive_policies',
    baseline: `create table s.t (id int, user_id uuid);
      create policy a on s.t for select to authenticated using (${OWN});`,
    violation:
      'create policy b on s.t for select to authenticated using (id > 0);',
    message:
      'table s.t has several permissive policies for the same role and command (authenticated select: a, b), each evaluated for every row',
    object: 's.t',
    fix: 'drop policy b on s.t;',
  },
  {
    rule: 'policy_column_unindexed',
    baseline: `create table s.t (id int, user_id uuid);
      create index t_user on s.t (user_id);
      create policy mine on s.t to authenticated using (${OWN});`,
    violation: 'drop index s.t_user;',
    message:
      "column user_id of s.t is compared with the caller's identity in a policy but leads no index, so every filtered query scans the table",
    object: 's.t.user_id',
    fix: 'create index t_user on s.t (user_id);',
  },
  {
    rule: 'user_metadata_in_policy',
    baseline: `create table s.t (id int);
      create policy admins on s.t to authenticated
        using ((select auth.jwt() -> 'app_metadata' ->> 'role') = 'admin');`,
    violation: `alter policy admins on s.t
      using ((select auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');`,
    message:
      'policy admins on s.t trusts user metadata, which users can change themselves',
    object: 's.t.admins',
    fix: `alter policy admins on s.t
      using ((select auth.jwt() -> 'app_metadata' ->> 'role') = 'admin');`,
  },
  {
    rule: 'null_check_bypass',
    baseline: `create table s.t (id int, user_id uuid);
      create policy mine on s.t to authenticated using (${OWN});`,
    violation: `alter policy mine on s.t
      using ((select auth.uid()) is null or ${OWN});`,
    message:
      'policy mine on s.t allows every row when auth.uid() IS NULL, which is true for every anonymous request',
    object: 's.t.mine',
    fix: `alter policy mine on s.t using (${OWN});`,
  },
  {
    rule: 'recursive_policy',
    baseline: `create table s.members (team_id int, user_id uuid);
      alter table s.members enable row level security;
      create policy mine on s.members to authenticated using (${OWN});`,
    violation: `create policy team on s.members to authenticated using (
      team_id in (select m.team_id from s.members m where m.${OWN}));`,
    message:
      'policy team on s.members queries s.members itself, so every query on it fails with infinite recursion',
    object: 's.members.team',
    fix: `drop policy team on s.members;
      create function s.my_teams() returns setof int
        language sql stable security definer set search_path = ''
        as $$ select team_id from s.members
               where user_id = (select auth.uid()) $$;
      create policy team on s.members to authenticated
        using (team_id in (select s.my_teams()));`,
  },
  {
    rule: 'security_definer_search_path',
    baseline: `create function s.f() returns int language sql
      security definer set search_path = '' as 'select 1';`,
    violation: 'alter function s.f() reset search_path;',
    message:
      'SECURITY DEFINER function s.f() does not pin search_path, so a caller can make it run their own objects with the rights of postgres',
    object: 's.f()',
    fix: `alter function s.f() set search_path = '';`,
  },
  {
    rule: 'function_search_path_mutable',
    baseline: `create table s.t (id int, body text);
      create function s.g() returns trigger language plpgsql
        set search_path = '' as 'begin new.body := btrim(new.body); return new; end';
      create trigger g before insert on s.t for each row execute function s.g();
      create function s.called_by_hand(n int) returns int language plpgsql
        as 'begin return n; end';
      create function s.inlined() returns int language sql stable
        as 'select 1';`,
    violation: 'alter function s.g() reset search_path;',
    message:
      'function s.g() runs as a trigger with a mutable search_path, so the objects it uses depend on whoever sets it off',
    object: 's.g()',
    fix: `alter function s.g() set search_path = '';`,
  },
  {
    rule: 'security_definer_executable_by_anon',
    baseline: `create function s.f() returns int language sql
        security definer set search_path = '' as 'select 1';
      revoke execute on function s.f() from public;
      grant execute on function s.f() to anon, authenticated;`,
    violation: 'grant execute on function s.f() to public;',
    message:
      'SECURITY DEFINER function s.f() can be called by anon (PUBLIC holds EXECUTE) and runs with the rights of postgres',
    object: 's.f()',
    fix: 'revoke execute on function s.f() from public;',
  },
  {
    rule: 'view_bypasses_rls',
    baseline: `create table s.t (id int);
      alter table s.t enable row level security;
      create view s.v with (security_invoker = true) as select id from s.t;
      grant select on s.v to authenticated;`,
    violation: 'alter view s.v set (security_invoker = false);',
    message:
      'view s.v runs with the rights of its owner, so it reads s.t past row level security, and authenticated can select from it',
    object: 's.v',
    fix: 'alter view s.v set (security_invoker = true);',
  },
  {
    rule: 'auth_users_exposed',
    baseline: 'create view s.v as select id, email from auth.users;',
    violation: 'grant select on s.v to authenticated;',
    message: 'view s.v exposes auth.users to authenticated',
    object: 's.v',
    fix: 'revoke select on s.v from authenticated;',
  },
  {
    rule: 'materialized_view_exposed',
    baseline: 'create materialized view s.mv as select 1 as x;',
    violation: 'grant select on s.mv to anon;',
    message:
      'materialized view s.mv cannot have row level security and anon can select every row of it',
    object: 's.mv',
    fix: 'revoke select on s.mv from anon;',
  },
  {
    rule: 'partition_without_rls',
    baseline: `create table s.p (id int, at date) partition by range (at);
      alter table s.p enable row level security;
      create table s.p2024 partition of s.p
        for values from ('2024-01-01') to ('2025-01-01');
      alter table s.p2024 enable row level security;
      grant select on s.p2024 to authenticated;`,
    violation: 'alter table s.p2024 disable row level security;',
    message:
      "partition s.p2024 of s.p has row level security disabled, so authenticated can read it directly past the parent's policies",
    object: 's.p2024',
    fix: 'alter table s.p2024 enable row level security;',
  },
  {
    rule: 'sensitive_columns_without_rls',
    baseline: `create table s.t (id int, password_hash text);
      alter table s.t enable row level security;
      grant select on s.t to anon;`,
    violation: 'alter table s.t disable row level security;',
    message:
      'table s.t has row level security disabled and holds sensitive columns (password_hash) that anon can read',
    object: 's.t',
    fix: 'alter table s.t enable row level security;',
  },
  {
    rule: 'truncate_granted',
    baseline:
      'create table s.t (id int); grant select on s.t to authenticated;',
    violation: 'grant truncate on s.t to authenticated;',
    message:
      'authenticated may truncate table s.t, and row level security does not apply to TRUNCATE',
    object: 's.t',
    fix: 'revoke truncate on s.t from authenticated;',
  },
];

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
  // auth.users comes with the auth tables; a minimal one when it is absent.
  await t.db.exec(`
    create table if not exists auth.users (
      id uuid primary key, email text, raw_user_meta_data jsonb);
    alter table auth.users enable row level security;
    alter table auth.users force row level security;`);
});
afterAll(() => t.drop());

async function findingsOf(rule: string) {
  const report = await lintDatabase({ db: t.db, schemas: ['s'] });
  return report.findings
    .filter((f) => f.rule === rule)
    .map(({ object, message }) => ({ object, message }));
}

describe('every rule goes baseline, violation, fix', () => {
  it('has a case for every rule of the registry', () => {
    expect(CASES.map((c) => c.rule).sort()).toEqual(
      RULES.map((r) => r.name).sort(),
    );
  });

  it('has one SQL file and one docs/lint.md section per rule, by number', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = readdirSync(join(root, 'sql', 'lint'))
      .filter((f) => /^\d{4}_/.test(f))
      .sort();
    const docs = readFileSync(join(root, 'docs', 'lint.md'), 'utf8');
    const sections = docs.match(/^## \d{4} \w+$/gm);
    expect(files).toEqual(RULES.map((r) => `${r.id}_${r.name}.sql`));
    expect(sections).toEqual(RULES.map((r) => `## ${r.id} ${r.name}`));
  });

  it.each(CASES)('$rule', async (c) => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      grant usage on schema s to anon, authenticated;`);
    await t.db.exec(c.baseline);
    expect(await findingsOf(c.rule), 'baseline').toEqual([]);

    await t.db.exec(c.violation);
    expect(await findingsOf(c.rule), 'violation').toEqual([
      { object: c.object, message: c.message },
    ]);

    await t.db.exec(c.fix);
    expect(await findingsOf(c.rule), 'fix').toEqual([]);
  });
});

describe('function_search_path_mutable', () => {
  it('flags a function that a policy calls, not one only called by hand', async () => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      create table s.t (id int, team int);
      create function s.my_team() returns int language plpgsql
        as 'begin return 1; end';
      create function s.by_hand() returns int language plpgsql
        as 'begin return 1; end';
      create policy team on s.t to authenticated
        using (team = (select s.my_team()));`);
    expect(await findingsOf('function_search_path_mutable')).toEqual([
      {
        object: 's.my_team()',
        message:
          'function s.my_team() runs from a policy, view, default, constraint or index with a mutable search_path, so the objects it uses depend on whoever sets it off',
      },
    ]);
  });
});

describe('user_metadata_in_policy', () => {
  it('catches a policy that reads raw_user_meta_data from auth.users', async () => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      create table s.t (id int);
      create policy editors on s.t to authenticated using (exists (
        select from auth.users u where u.id = (select auth.uid())
           and u.raw_user_meta_data ->> 'editor' = 'true'));`);
    expect(await findingsOf('user_metadata_in_policy')).toEqual([
      {
        object: 's.t.editors',
        message:
          'policy editors on s.t trusts user metadata, which users can change themselves',
      },
    ]);
  });
});

describe('view_bypasses_rls', () => {
  it('follows a view that reads the table through another view', async () => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      grant usage on schema s to anon, authenticated;
      create table s.t (id int);
      alter table s.t enable row level security;
      create view s.inner_v as select id from s.t;
      create view s.outer_v as select id from s.inner_v;
      grant select on s.outer_v to anon;`);
    expect(await findingsOf('view_bypasses_rls')).toEqual([
      {
        object: 's.outer_v',
        message:
          'view s.outer_v runs with the rights of its owner, so it reads s.t past row level security, and anon can select from it',
      },
    ]);
  });
});

describe('recursive_policy', () => {
  it('catches two tables whose policies query each other', async () => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      create table s.teams (id int, owner uuid);
      create table s.members (team_id int, user_id uuid);
      alter table s.teams enable row level security;
      alter table s.members enable row level security;
      create policy by_member on s.teams to authenticated using (
        id in (select team_id from s.members));
      create policy by_owner on s.members to authenticated using (
        team_id in (select id from s.teams));`);
    expect(await findingsOf('recursive_policy')).toEqual([
      {
        object: 's.members.by_owner',
        message:
          'policy by_owner on s.members queries s.teams, whose policies query s.members back, so every query on them fails with infinite recursion',
      },
      {
        object: 's.teams.by_member',
        message:
          'policy by_member on s.teams queries s.members, whose policies query s.teams back, so every query on them fails with infinite recursion',
      },
    ]);
  });
});

describe('auth_function_per_row', () => {
  it('reads the stored call, whatever search_path the policy was made under', async () => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      create table s.t (id int, user_id uuid);`);
    await t.db.transaction(async (tx) => {
      await tx.query(`select set_config('search_path', 'auth, s', true)`);
      await tx.query(
        'create policy bare on t to authenticated using (user_id = uid())',
      );
      await tx.query(
        'create policy wrapped on t to authenticated using (user_id = (select uid()))',
      );
    });
    expect(await findingsOf('auth_function_per_row')).toEqual([
      {
        object: 's.t.bare',
        message:
          'policy bare on s.t calls auth.uid() once per row: wrap each call in a sub-select, e.g. (select auth.uid())',
      },
    ]);
  });

  it('counts a call in the test of an IN sub-select as per row', async () => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      create table s.t (id int, user_id uuid);
      create policy p on s.t to authenticated using (
        auth.uid() in (select user_id from s.t where id = 1));`);
    expect((await findingsOf('auth_function_per_row')).length).toBe(1);
  });

  it('suggests the same policy with every call wrapped', async () => {
    await t.db.exec(`drop schema if exists s cascade; create schema s;
      create table s.t (id int, user_id uuid);
      create policy p on s.t to authenticated
        using (user_id = auth.uid()) with check (auth.role() = 'x');`);
    const report = await lintDatabase({ db: t.db, schemas: ['s'] });
    const fix = report.findings.find((f) => f.rule === 'auth_function_per_row');
    expect(fix?.fix).toBe(
      "alter policy p on s.t using ((user_id = (select auth.uid()))) with check (((select auth.role()) = 'x'::text));",
    );
  });
});

async function suggested(rule: string) {
  const report = await lintDatabase({ db: t.db, schemas: ['s'] });
  return report.findings
    .filter((f) => f.rule === rule)
    .map(({ fix, fixable }) => ({ fix, fixable }));
}

async function freshSchema(sql: string) {
  await t.db.exec(`drop schema if exists s cascade; create schema s;
    grant usage on schema s to anon, authenticated; ${sql}`);
}

describe('rls_enabled_no_policy fix', () => {
  it('compares user_id with the caller when the table has one, and clears the finding', async () => {
    await freshSchema(`create table s.t (id int, user_id uuid);
      alter table s.t enable row level security;
      grant select on s.t to authenticated;`);
    const fix = `create policy "select own rows" on s.t for select to authenticated using (${OWN});`;
    expect(await suggested('rls_enabled_no_policy')).toEqual([
      { fix, fixable: false },
    ]);

    await t.db.exec(fix);
    expect(await suggested('rls_enabled_no_policy')).toEqual([]);
  });

  it('is a template to fill in when the table has no user_id uuid column', async () => {
    await freshSchema(`create table s.nopol (id int, user_id text);
      alter table s.nopol enable row level security;
      grant select on s.nopol to authenticated;`);
    expect(await suggested('rls_enabled_no_policy')).toEqual([
      {
        fix: '-- write a condition for the rows each role may see: create policy "select rows" on s.nopol for select to authenticated using (<condition>);',
        fixable: false,
      },
    ]);
  });
});

describe('policy_always_true fix', () => {
  it('replaces both USING (true) and WITH CHECK (true), and clears the finding', async () => {
    await freshSchema(`create table s.tru (id int, user_id uuid);
      create policy p_all on s.tru for all to authenticated
        using (true) with check (true);`);
    const fix = `alter policy p_all on s.tru using (${OWN}) with check (${OWN});`;
    expect(await suggested('policy_always_true')).toEqual([
      { fix, fixable: false },
    ]);

    await t.db.exec(fix);
    expect(await suggested('policy_always_true')).toEqual([]);
  });

  it('replaces only the clause that is true, and clears the finding', async () => {
    await freshSchema(`create table s.t (id int, user_id uuid);
      create policy w on s.t for update to authenticated
        using (${OWN}) with check (true);`);
    const fix = `alter policy w on s.t with check (${OWN});`;
    expect(await suggested('policy_always_true')).toEqual([
      { fix, fixable: false },
    ]);

    await t.db.exec(fix);
    expect(await suggested('policy_always_true')).toEqual([]);
  });

  it('is a template to fill in when the table has no user_id uuid column', async () => {
    await freshSchema(`create table s.t (id int);
      create policy p_all on s.t for all to authenticated
        using (true) with check (true);`);
    expect(await suggested('policy_always_true')).toEqual([
      {
        fix: '-- write a condition for the rows each role may see: alter policy p_all on s.t using (<condition>) with check (<condition>);',
        fixable: false,
      },
    ]);
  });
});
