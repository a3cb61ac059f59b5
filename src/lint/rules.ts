import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SQL_DIR } from '../migrate/pack.ts';
import type { Rule } from './shared.ts';

/** The folder holding one catalog query per rule (NNNN_name.sql). */
export const LINT_SQL_DIR = join(SQL_DIR, 'lint');

/**
 * Every rule, by permanent number. Numbers and names never change or get
 * reused; a retired rule keeps its number.
 */
export const RULES: readonly Rule[] = [
  {
    id: '0001',
    name: 'rls_disabled',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'RLS disabled on a reachable table',
    description:
      'anon, authenticated or PUBLIC hold privileges on a table whose row level security is off, so every row is theirs to read or change.',
    remediation:
      'Enable row level security and write policies, or revoke the privileges.',
  },
  {
    id: '0002',
    name: 'policy_exists_rls_disabled',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'Policies exist but RLS is disabled',
    description:
      'Policies do nothing until row level security is enabled: the table is open while it looks protected.',
    remediation: 'Enable row level security on the table.',
  },
  {
    id: '0003',
    name: 'rls_enabled_no_policy',
    level: 'INFO',
    category: 'SECURITY',
    title: 'RLS enabled without a policy',
    description:
      'anon or authenticated hold privileges on the table but no policy lets them see a row: a policy is missing, or the grants should go.',
    remediation:
      'Write the policies the API roles need, or revoke their privileges.',
  },
  {
    id: '0004',
    name: 'force_without_enable',
    level: 'WARN',
    category: 'SECURITY',
    title: 'FORCE without ENABLE',
    description:
      'FORCE ROW LEVEL SECURITY only makes the owner obey policies that are enabled; without ENABLE the table is open to everyone.',
    remediation: 'Enable row level security as well.',
  },
  {
    id: '0005',
    name: 'rls_not_forced',
    level: 'INFO',
    category: 'SECURITY',
    title: 'RLS not forced',
    description:
      "The table's owner passes every policy unless RLS is forced; a backend or job that connects as the owner sees every row.",
    remediation: 'Force row level security on the table.',
  },
  {
    id: '0006',
    name: 'policy_always_true',
    level: 'WARN',
    category: 'SECURITY',
    title: 'Policy always true',
    description:
      'USING (true) or WITH CHECK (true) on a write, or on any command for anon, allows every row: usually a policy meant for one role written for all.',
    remediation:
      'Replace true with the condition the rows must meet, or restrict the policy to the role it is for.',
  },
  {
    id: '0007',
    name: 'policy_to_public',
    level: 'WARN',
    category: 'SECURITY',
    title: 'Policy without a TO clause',
    description:
      'A policy without TO applies to PUBLIC: every role, anon and roles created later included.',
    remediation: 'Name the roles the policy is for with TO.',
  },
  {
    id: '0008',
    name: 'auth_function_per_row',
    level: 'WARN',
    category: 'PERFORMANCE',
    title: 'Auth function evaluated per row',
    description:
      'auth.uid(), auth.jwt(), auth.role(), auth.email() and current_setting() outside a sub-select run once for every row the policy checks instead of once per query.',
    remediation: 'Wrap each call in a sub-select: (select auth.uid()).',
  },
  {
    id: '0009',
    name: 'multiple_permissive_policies',
    level: 'WARN',
    category: 'PERFORMANCE',
    title: 'Several permissive policies for one role and command',
    description:
      'Permissive policies are ORed and each one is evaluated for every row.',
    remediation:
      'Merge the policies of each role and command into one, joining their conditions with OR.',
  },
  {
    id: '0010',
    name: 'policy_column_unindexed',
    level: 'INFO',
    category: 'PERFORMANCE',
    title: 'Policy column without an index',
    description:
      "A column that a policy compares with the caller's identity leads no index, so every query under the policy scans the whole table.",
    remediation: 'Create an index led by the column.',
  },
  {
    id: '0011',
    name: 'user_metadata_in_policy',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'Policy trusts user_metadata',
    description:
      'Users can edit their own user_metadata, so a policy that reads it lets them grant themselves access.',
    remediation:
      'Keep authorisation data in app_metadata, which only the backend writes.',
  },
  {
    id: '0012',
    name: 'null_check_bypass',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'IS NULL check that lets anonymous requests through',
    description:
      'auth.uid() IS NULL OR ... is true for every request without a user, so anonymous callers get every row.',
    remediation: 'Drop the IS NULL branch.',
  },
  {
    id: '0013',
    name: 'recursive_policy',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'Policy queries its own table',
    description:
      'Evaluating the policy applies it again: every query on the table fails with "infinite recursion detected in policy".',
    remediation:
      'Move the lookup into a SECURITY DEFINER function with a pinned search_path and call it from the policy.',
  },
  {
    id: '0014',
    name: 'security_definer_search_path',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'SECURITY DEFINER function without a pinned search_path',
    description:
      "The function runs with its owner's rights but finds names through the caller's search_path, so a caller can make it run their own objects as the owner.",
    remediation: "Add set search_path = '' and qualify every name in the body.",
  },
  {
    id: '0015',
    name: 'function_search_path_mutable',
    level: 'WARN',
    category: 'SECURITY',
    title: 'Implicitly called function with a mutable search_path',
    description:
      'A trigger function, or a function a policy, view, default, constraint or index calls, runs for other roles under their search_path; whoever can put an object on that path decides what it runs.',
    remediation: "Add set search_path = '' and qualify every name in the body.",
  },
  {
    id: '0016',
    name: 'security_definer_executable_by_anon',
    level: 'WARN',
    category: 'SECURITY',
    title: 'SECURITY DEFINER function left executable by PUBLIC',
    description:
      "Every new function is executable by PUBLIC until that is revoked; a SECURITY DEFINER one then runs with its owner's rights for callers who have not signed in.",
    remediation:
      'Revoke EXECUTE from PUBLIC and anon, and grant it to the roles that need it.',
  },
  {
    id: '0017',
    name: 'view_bypasses_rls',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'View bypasses RLS',
    description:
      "A view reads its tables with its owner's rights unless it has security_invoker; the owner usually passes RLS, so the view hands out the rows the policies hide.",
    remediation:
      'Set security_invoker = true on the view (PostgreSQL 15 and later), or revoke SELECT from the API roles.',
  },
  {
    id: '0018',
    name: 'auth_users_exposed',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'auth.users exposed through a view',
    description:
      'A view over auth.users that anon or authenticated can read shows every user: e-mail addresses, metadata and sign-in details.',
    remediation:
      'Revoke SELECT from the API roles, or expose a security_invoker view of the columns that are public.',
  },
  {
    id: '0019',
    name: 'materialized_view_exposed',
    level: 'WARN',
    category: 'SECURITY',
    title: 'Materialized view readable by the API',
    description:
      'Materialized views cannot have row level security: every row they hold is visible to whoever may select from them.',
    remediation: 'Revoke SELECT from the API roles.',
  },
  {
    id: '0020',
    name: 'partition_without_rls',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'Partition without RLS',
    description:
      'Queries through the parent obey its policies, but a partition queried directly obeys only its own, and it has none.',
    remediation: 'Enable row level security on the partition too.',
  },
  {
    id: '0021',
    name: 'sensitive_columns_without_rls',
    level: 'ERROR',
    category: 'SECURITY',
    title: 'Sensitive columns without RLS',
    description:
      'Columns named like passwords, tokens or keys sit in a table without row level security that the API roles can read.',
    remediation:
      'Enable row level security, or move the columns to a table the API cannot reach.',
  },
  {
    id: '0022',
    name: 'truncate_granted',
    level: 'WARN',
    category: 'SECURITY',
    title: 'TRUNCATE granted to the API roles',
    description:
      'Row level security does not apply to TRUNCATE: whoever holds it can empty the table whatever the policies say.',
    remediation: 'Revoke TRUNCATE from PUBLIC, anon and authenticated.',
  },
];

const byName = new Map(RULES.map((rule) => [rule.name, rule]));
let sqlCache: Map<string, string> | undefined;

/**
 * The rule with this name, or undefined.
 *
 * @example
 * ruleByName('rls_disabled')?.level; // 'ERROR'
 */
export function ruleByName(name: string): Rule | undefined {
  return byName.get(name);
}

/** The folder of the SQL fragments that rule files share (name.sql). */
export const LINT_SHARED_DIR = join(LINT_SQL_DIR, 'shared');

/**
 * A reference to a shared fragment in a rule file: `{{name}}` or
 * `{{name arg=value ...}}`, where a value is a single-quoted SQL literal
 * or a bare word such as `c.oid`. Inside a fragment, `{{arg}}` stands for
 * the argument of that name.
 */
const REFERENCE =
  /\{\{\s*([a-z][a-z0-9_]*)((?:\s+[a-z][a-z0-9_]*=(?:'(?:[^']|'')*'|[A-Za-z0-9_.$]+))*)\s*\}\}/g;
const ARGUMENT = /([a-z][a-z0-9_]*)=('(?:[^']|'')*'|[A-Za-z0-9_.$]+)/g;
const PARAMETER = /\{\{([a-z][a-z0-9_]*)\}\}/g;

function readSqlFiles(dir: string, pattern: RegExp): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((file) => pattern.test(file))
      .map((file) => [
        file.replace(/\.sql$/, ''),
        readFileSync(join(dir, file), 'utf8'),
      ]),
  );
}

/** A fragment's SQL without its leading comment lines and final newline. */
function fragmentBody(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  const start = lines.findIndex((line) => !/^\s*(--.*)?$/.test(line));
  return lines.slice(start < 0 ? lines.length : start).join('\n');
}

/**
 * Replaces each `{{name arg=value}}` in a rule's SQL by the fragment
 * sql/lint/shared/name.sql with its arguments filled in. The lines after
 * the first take the indentation of the line the reference stands on.
 * Throws on an unknown fragment, a missing or unexpected argument, or a
 * `{{` that is not a reference.
 */
export function expandFragments(
  sql: string,
  fragments: ReadonlyMap<string, string>,
  file: string,
): string {
  const expanded = sql.replace(
    REFERENCE,
    (reference, name: string, rawArgs: string, at: number) => {
      const fragment = fragments.get(name);
      if (fragment === undefined) {
        throw new Error(
          `${file}: ${reference} names no fragment (sql/lint/shared/${name}.sql)`,
        );
      }
      const args = new Map<string, string>();
      for (const [, key = '', value = ''] of rawArgs.matchAll(ARGUMENT)) {
        if (args.has(key)) {
          throw new Error(`${file}: ${reference} gives ${key} twice`);
        }
        args.set(key, value);
      }
      const body = fragmentBody(fragment);
      const wanted = new Set(
        [...body.matchAll(PARAMETER)].map((m) => m[1] ?? ''),
      );
      for (const key of wanted) {
        if (!args.has(key)) {
          throw new Error(`${file}: ${reference} lacks the argument ${key}`);
        }
      }
      for (const key of args.keys()) {
        if (!wanted.has(key)) {
          throw new Error(
            `${file}: ${reference} gives ${key}, which ${name} does not take`,
          );
        }
      }
      const lineStart = sql.lastIndexOf('\n', at) + 1;
      const indent = /^\s*/.exec(sql.slice(lineStart, at))?.[0] ?? '';
      return body
        .replace(PARAMETER, (_, key: string) => args.get(key) ?? '')
        .replaceAll('\n', `\n${indent}`);
    },
  );
  const stray = expanded.indexOf('{{');
  if (stray >= 0) {
    const line = expanded.slice(0, stray).split('\n').length;
    throw new Error(`${file}: malformed fragment reference at line ${line}`);
  }
  return expanded;
}

/**
 * The catalog query of a rule, read from sql/lint/NNNN_name.sql with its
 * references to sql/lint/shared/ expanded (once, when the files are
 * first read). It takes $1, the schemas in scope, and (when it names it)
 * $2, the API roles.
 *
 * @example
 * await db.query(ruleSql(ruleByName('rls_disabled')!), [['public'], API_ROLES]);
 */
export function ruleSql(rule: Rule): string {
  if (sqlCache === undefined) {
    const fragments = readSqlFiles(LINT_SHARED_DIR, /^[a-z][a-z0-9_]*\.sql$/);
    const rules = readSqlFiles(LINT_SQL_DIR, /^\d{4}_[a-z0-9_]+\.sql$/);
    sqlCache = new Map(
      [...rules].map(([name, sql]) => [
        name,
        expandFragments(sql, fragments, `sql/lint/${name}.sql`),
      ]),
    );
  }
  const sql = sqlCache.get(`${rule.id}_${rule.name}`);
  if (sql === undefined) {
    throw new Error(`sql/lint/${rule.id}_${rule.name}.sql is missing`);
  }
  return sql;
}
