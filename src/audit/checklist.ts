import { environmentFindings } from '../config/environment.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Queryable } from '../db/shared.ts';
import { lintDatabase } from '../lint/runner.ts';
import type { Finding } from '../lint/shared.ts';

/** One line of the security checklist. */
export interface ChecklistItem {
  id: string;
  title: string;
  ok: boolean;
  /** What is wrong (for a failed item). */
  detail?: string;
  /** The one-line fix (for a failed item). */
  fix?: string;
}

export interface ChecklistOptions {
  loaded: LoadedConfig;
  db: Queryable & Parameters<typeof lintDatabase>[0]['db'];
  /** Oldest an active encryption key may be (default 90 days). */
  maxKeyAgeDays?: number;
}

type Check = (o: ChecklistOptions) => Promise<ChecklistItem> | ChecklistItem;

/** Rules whose findings mean that a table's rows are not protected. */
const RLS_RULES = new Set([
  'rls_disabled',
  'policy_exists_rls_disabled',
  'rls_enabled_no_policy',
  'force_without_enable',
  'partition_without_rls',
  'sensitive_columns_without_rls',
]);

function pass(id: string, title: string): ChecklistItem {
  return { id, title, ok: true };
}

function fail(
  id: string,
  title: string,
  detail: string,
  fix: string,
): ChecklistItem {
  return { id, title, ok: false, detail, fix };
}

function listed(objects: string[], max = 3): string {
  const head = objects.slice(0, max).join(', ');
  return objects.length > max
    ? `${head} and ${objects.length - max} more`
    : head;
}

const rls: Check = async ({ loaded, db }) => {
  const title = 'Row Level Security on every user table';
  const report = await lintDatabase({
    db,
    schemas: loaded.config.lint.schemas,
    ignore: loaded.config.lint.ignore,
  });
  const bad: Finding[] = report.findings.filter((f) => RLS_RULES.has(f.rule));
  if (bad.length === 0) return pass('rls', title);
  const objects = [...new Set(bad.map((f) => f.object))];
  return fail(
    'rls',
    title,
    `${objects.length} without working RLS: ${listed(objects)}`,
    `run fluxbase-cli lint for each fix, e.g. ${bad[0]!.fix.split('\n')[0]}`,
  );
};

function fromEnvironment(
  rule: string,
  id: string,
  title: string,
  fix: string,
): Check {
  return ({ loaded }) => {
    const found = environmentFindings(loaded).filter((f) => f.rule === rule);
    if (found.length === 0) return pass(id, title);
    const detail = found
      .map((f) => `${f.path} ${f.message.split(':')[0]}`)
      .join('; ');
    return fail(id, title, detail, fix);
  };
}

const jwtSecret: Check = (o) => {
  const title = 'JWT secret of at least 256 bits, not a placeholder';
  if (!o.loaded.config.auth.jwt.secret) {
    return fail(
      'jwt_secret',
      title,
      'auth.jwt.secret is not set',
      `set auth.jwt.secret: \${JWT_SECRET} with the output of openssl rand -base64 32`,
    );
  }
  return fromEnvironment(
    'jwt_secret_weak',
    'jwt_secret',
    title,
    `generate one with openssl rand -base64 32 and set it through \${JWT_SECRET}`,
  )(o);
};

const rateLimiting: Check = ({ loaded }) => {
  const title = 'Rate limiting on, with a backend shared by every instance';
  const { enabled, backend } = loaded.config.ratelimit;
  if (!enabled) {
    return fail(
      'rate_limiting',
      title,
      'ratelimit.enabled is false',
      'set ratelimit.enabled: true',
    );
  }
  if (backend === 'memory') {
    return fail(
      'rate_limiting',
      title,
      'ratelimit.backend is memory (each instance counts alone)',
      'set ratelimit.backend: redis (or postgres)',
    );
  }
  return pass('rate_limiting', title);
};

const REQUIRED_HEADERS = [
  'X-Content-Type-Options',
  'X-Frame-Options',
  'Strict-Transport-Security',
  'Content-Security-Policy',
];

const headers: Check = ({ loaded }) => {
  const title = 'Security headers configured';
  const overrides = loaded.config.server.security_headers;
  const off = REQUIRED_HEADERS.filter((name) =>
    Object.entries(overrides).some(
      ([k, v]) => k.toLowerCase() === name.toLowerCase() && v === false,
    ),
  );
  if (off.length === 0) return pass('security_headers', title);
  return fail(
    'security_headers',
    title,
    `turned off: ${off.join(', ')}`,
    'remove the false overrides from server.security_headers',
  );
};

const secretsFromEnv = fromEnvironment(
  'literal_secret',
  'secrets_from_env',
  'Secrets and keys come from the environment',
  `replace each literal value with \${VAR} and set VAR in the environment`,
);

const https: Check = ({ loaded }) => {
  const title = 'HTTPS public URL';
  const url = loaded.config.server.public_url;
  if (url?.startsWith('https://')) return pass('https', title);
  const detail = url
    ? `server.public_url is ${url}`
    : 'server.public_url is not set';
  return fail(
    'https',
    title,
    detail,
    'set server.public_url to your https:// address',
  );
};

async function tableExists(db: Queryable, name: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    'select to_regclass($1) is not null as ok',
    [name],
  );
  return rows[0]?.ok === true;
}

const keyRotation: Check = async ({ db, maxKeyAgeDays = 90 }) => {
  const title = `Encryption keys rotated (active key at most ${maxKeyAgeDays} days old, no secret on a retired key)`;
  if (!(await tableExists(db, 'vault.keys'))) {
    return fail(
      'key_rotation',
      title,
      'the vault is not installed',
      'run fluxbase-cli migrate up',
    );
  }
  const { rows } = await db.query<{ stale: number[]; abandoned: string }>(
    `select
       coalesce(array_agg(k.version order by k.version) filter (
         where k.state = 'active' and k.created_at < now() - make_interval(days => $1)), '{}') as stale,
       (select count(*) from vault.secrets s join vault.keys r on r.version = s.key_version
         where r.state in ('retired', 'compromised'))::text as abandoned
     from vault.keys k`,
    [maxKeyAgeDays],
  );
  const { stale, abandoned } = rows[0]!;
  const problems: string[] = [];
  if (stale.length > 0)
    problems.push(
      `active key version ${stale.join(', ')} is older than ${maxKeyAgeDays} days`,
    );
  if (abandoned !== '0')
    problems.push(`${abandoned} secrets are on a retired or compromised key`);
  if (problems.length === 0) return pass('key_rotation', title);
  return fail(
    'key_rotation',
    title,
    problems.join('; '),
    'add a key version, then fluxbase-cli secrets re-encrypt --from-version OLD --to-version NEW',
  );
};

const revocations: Check = async ({ db }) => {
  const title = 'Expired revocations purged';
  if (!(await tableExists(db, 'auth.revocations'))) {
    return fail(
      'revocations_purged',
      title,
      'the auth tables are not installed',
      'run fluxbase-cli migrate up',
    );
  }
  const { rows } = await db.query<{ n: string }>(
    'select count(*)::text as n from auth.revocations where expires_at < now()',
  );
  const n = rows[0]!.n;
  if (n === '0') return pass('revocations_purged', title);
  return fail(
    'revocations_purged',
    title,
    `${n} revocations have expired`,
    'run fluxbase-cli auth purge (e.g. daily from cron)',
  );
};

const CHECKS: readonly Check[] = [
  rls,
  jwtSecret,
  rateLimiting,
  headers,
  secretsFromEnv,
  https,
  keyRotation,
  revocations,
];

/**
 * Runs the security guide's checklist against the configuration and the
 * database, one item per line of the guide.
 *
 * @example
 * const items = await runChecklist({ loaded, db });
 * const failed = items.filter((i) => !i.ok);
 */
export async function runChecklist(
  options: ChecklistOptions,
): Promise<ChecklistItem[]> {
  const items: ChecklistItem[] = [];
  for (const check of CHECKS) items.push(await check(options));
  return items;
}

/** An item as one line: `✓ title` or `✗ title: detail. Fix: …`. */
export function formatChecklistItem(item: ChecklistItem): string {
  if (item.ok) return `✓ ${item.title}`;
  return `✗ ${item.title}: ${item.detail}. Fix: ${item.fix}`;
}
