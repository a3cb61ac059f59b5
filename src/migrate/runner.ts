import {
  escapeValue,
  type MigrationBuilder,
  type RunnerOption,
  runner,
} from 'node-pg-migrate';

import { DatabaseError, wrapPgError } from '../db/errors.ts';
import { pgClientOf } from '../db/pg.ts';
import { pgliteOf } from '../db/pglite.ts';
import { quoteIdent } from '../db/quote.ts';
import type { Database, Session } from '../db/shared.ts';
import { UsageError } from '../errors.ts';
import { dependentsOf, dropTargets } from './dependents.ts';
import {
  DependentObjectsError,
  LockTimeoutError,
  MigrationError,
} from './errors.ts';
import { loadPack, type PackMigration } from './load.ts';
import { migrationFilesOf, type PackFile } from './pack.ts';
import { assertNoConflicts } from './preflight.ts';
import {
  type AppliedMigration,
  appliedMigrations,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
} from './state.ts';
import {
  assertTestsSchemaOurs,
  installTestHelpers,
  removeTestHelpers,
  testHelpersInstalled,
} from './test-helpers.ts';

/** A stable advisory lock key for the pack's migrations ("flux"). */
export const MIGRATION_LOCK_KEY = 0x666c7578;

export interface MigrateOptions {
  db: Database;
  /** How long to wait for another run's lock (default 60 000 ms). */
  lockTimeoutMs?: number;
  /** Print the SQL instead of applying it. */
  dryRun?: boolean;
  /** Progress lines (stderr in the CLI); quiet when absent. */
  log?: (line: string) => void;
  /** Migrations folder (tests use their own). */
  dir?: string;
}

export interface UpOptions extends MigrateOptions {
  /** Stop after this migration. */
  to?: string;
  /** A login role to receive anon, authenticated and service_role. */
  grantRolesTo?: string;
  /** Also install the pgTAP helpers (schema tests), outside the pack. */
  withTestHelpers?: boolean;
}

export interface DownOptions extends MigrateOptions {
  /** How many to revert, newest first; 'all' reverts every one. */
  count: number | 'all';
}

/** What a run did: the migrations applied or reverted, in order. */
export interface MigrateResult {
  migrations: string[];
  /** With dryRun: the SQL that would run. */
  sql?: string;
  /** up: the migrations still pending afterwards. */
  pending?: string[];
  /** up: applied migrations whose files changed since (see status). */
  drifted?: string[];
}

type Step = { name: string; file: PackFile | undefined };

function clientFor(db: Database, session: Session, steps: Step[]) {
  const pglite = pgliteOf(db);
  const pgClient = pgClientOf(session);
  const run = async (text: string, values?: unknown[]) => {
    if (pgClient) return pgClient.query(text, values);
    if (values && values.length > 0) return pglite!.query(text, values);
    const results = await pglite!.exec(text);
    return results.at(-1) ?? { rows: [], fields: [] };
  };

  const query = async (
    config: string | { text: string; values?: unknown[] },
    values?: unknown[],
  ) => {
    const text = typeof config === 'string' ? config : config.text;
    try {
      return await run(
        text,
        typeof config === 'string' ? values : config.values,
      );
    } catch (error) {
      const wrapped = wrapPgError(error);
      const step = steps.find((s) => s.file && isStepText(text, s.file.text));
      if (wrapped instanceof DatabaseError && step) {
        throw new MigrationError(step.name, wrapped, step.file);
      }
      throw wrapped;
    }
  };
  return { query } as unknown as Extract<
    RunnerOption,
    { dbClient: unknown }
  >['dbClient'];
}

function isStepText(text: string, fileText: string): boolean {
  return text === fileText || text === `${fileText};`;
}

async function lock(session: Session, timeoutMs: number): Promise<void> {
  await session.query(`select set_config('lock_timeout', $1, false)`, [
    `${timeoutMs}ms`,
  ]);
  try {
    await session.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    if (error instanceof DatabaseError && error.sqlState === '55P03') {
      throw new LockTimeoutError(timeoutMs, { cause: error });
    }
    throw error;
  } finally {
    await session.query('reset lock_timeout');
  }
}

async function unlock(session: Session): Promise<void> {
  await session.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
}

/** Runs `fn` on one session that holds the migration lock. */
async function locked<T>(
  options: MigrateOptions,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await options.db.session();
  try {
    await lock(session, options.lockTimeoutMs ?? 60_000);
    try {
      return await fn(session);
    } finally {
      await unlock(session).catch(() => undefined);
    }
  } finally {
    await session.release();
  }
}

/** The statements that record and forget a migration's checksum. */
function checksumSql(migration: PackMigration) {
  const name = escapeValue(migration.name);
  const sha = escapeValue(migration.sha256);
  return {
    up: `insert into fluxbase.migration_checksums (name, sha256)
      values (${name}, ${sha})
      on conflict (name) do update
        set sha256 = excluded.sha256, applied_at = now()`,
    down: `delete from fluxbase.migration_checksums where name = ${name}`,
  };
}

function actionsFor(migration: PackMigration) {
  const files = migrationFilesOf(migration.spec);
  const checksum = checksumSql(migration);
  return {
    up: (pgm: MigrationBuilder) => {
      for (const file of files) pgm.sql(file.text);
      pgm.sql(checksum.up);
    },
    down: (pgm: MigrationBuilder) => {
      pgm.sql(migration.spec.down);
      pgm.sql(checksum.down);
    },
  };
}

async function runPack(
  options: MigrateOptions,
  session: Session,
  pack: PackMigration[],
  direction: 'up' | 'down',
  count: number,
): Promise<string[]> {
  const steps: Step[] = pack.flatMap((m) =>
    migrationFilesOf(m.spec).map((file) => ({ name: m.name, file })),
  );
  const byPath = new Map(pack.map((m) => [m.path, m]));
  const log = options.log ?? (() => undefined);
  const quiet = { info: () => undefined, warn: log, error: () => undefined };

  const config = {
    dbClient: clientFor(options.db, session, steps),
    dir: options.dir ?? pack[0]?.path.replace(/[\\/][^\\/]+$/, '') ?? '.',
    ignorePattern: '(?:\\..*|.*\\.d\\.ts|[^0-9].*)',
    migrationsSchema: MIGRATIONS_SCHEMA,
    migrationsTable: MIGRATIONS_TABLE,
    createMigrationsSchema: true,
    direction,
    count,
    noLock: true,
    singleTransaction: false,
    checkOrder: true,
    logger: quiet,
    migrationLoaderStrategies: [
      {
        extensions: ['.ts', '.js'],
        loader: async (paths) =>
          paths
            .map((path) => byPath.get(path))
            .filter((m): m is PackMigration => m !== undefined)
            .map((m) => ({
              id: m.path,
              filePaths: [m.path],
              actions: actionsFor(m),
            })),
      },
    ],
  } satisfies RunnerOption;

  try {
    const ran = await runner(config);
    return ran.map((m) => m.name);
  } catch (error) {
    // node-pg-migrate opened the failed migration's transaction as a plain
    // BEGIN step; close it so the session is usable (and clean in a pool).
    await session.query('rollback').catch(() => undefined);
    throw error;
  }
}

function pendingOf(pack: PackMigration[], applied: AppliedMigration[]) {
  const done = new Set(applied.map((m) => m.name));
  return pack.filter((m) => !done.has(m.name));
}

function upTo(pending: PackMigration[], pack: PackMigration[], to?: string) {
  if (to === undefined) return pending;
  if (!pack.some((m) => m.name === to)) {
    const names = pack.map((m) => m.name).join(', ');
    throw new UsageError(`no migration named ${to} (the pack has: ${names})`);
  }
  const index = pending.findIndex((m) => m.name === to);
  return index < 0 ? [] : pending.slice(0, index + 1);
}

function dryRunSql(migrations: PackMigration[]): string {
  return migrations
    .map((m) => {
      const body = migrationFilesOf(m.spec).map(
        ({ file, text }) => `-- ${file}\n${text.trimEnd()}\n`,
      );
      return `-- migration ${m.name} (up)\nbegin;\n${body.join('\n')}commit;\n`;
    })
    .join('\n');
}

async function grantRoles(session: Session, login: string): Promise<void> {
  const { rows } = await session.query(
    'select 1 from pg_catalog.pg_roles where rolname = $1',
    [login],
  );
  if (rows.length === 0) {
    throw new UsageError(
      `--grant-roles-to: role ${login} does not exist (create it first: create role ${quoteIdent(login)} login)`,
    );
  }
  await session.query(
    `grant anon, authenticated, service_role to ${quoteIdent(login)}`,
  );
}

function driftedOf(pack: PackMigration[], applied: AppliedMigration[]) {
  const sums = new Map(pack.map((m) => [m.name, m.sha256]));
  return applied
    .filter((m) => sums.has(m.name) && sums.get(m.name) !== m.sha256)
    .map((m) => m.name);
}

async function upLocked(
  options: UpOptions,
  session: Session,
  pack: PackMigration[],
): Promise<MigrateResult> {
  const applied = await appliedMigrations(session);
  const waiting = pendingOf(pack, applied);
  const pending = upTo(waiting, pack, options.to);
  const drifted = driftedOf(pack, applied);
  const after = waiting.slice(pending.length).map((m) => m.name);
  await assertNoConflicts(session, pending);
  if (options.withTestHelpers) await assertTestsSchemaOurs(session);
  if (options.dryRun) {
    const sql = dryRunSql(pending);
    return { migrations: pending.map((m) => m.name), sql, pending: after };
  }

  const ran =
    pending.length === 0
      ? []
      : await runPack(options, session, pack, 'up', pending.length);
  if (options.grantRolesTo) await grantRoles(session, options.grantRolesTo);
  if (options.withTestHelpers) await installTestHelpers(session);
  return { migrations: ran, pending: after, drifted };
}

/**
 * Applies the pack's pending migrations, each in its own transaction,
 * under an advisory lock (a second run waits, then finds nothing to do).
 *
 * @example
 * const { migrations } = await migrateUp({ db });
 */
export async function migrateUp(options: UpOptions): Promise<MigrateResult> {
  const pack = await loadPack(options.dir);
  return locked(options, (session) => upLocked(options, session, pack));
}

function downSql(pack: PackMigration[], reverting: AppliedMigration[]) {
  return reverting
    .map((m) => {
      const spec = pack.find((p) => p.name === m.name)?.spec;
      return `-- migration ${m.name} (down)\n${spec?.down.trim() ?? ''}\n`;
    })
    .join('\n');
}

/** Refuses to revert while objects outside the pack depend on it. */
async function assertNothingDepends(
  session: Session,
  pack: PackMigration[],
  reverting: AppliedMigration[],
  appliedCount: number,
): Promise<void> {
  if (reverting.length === 0) return;
  const names = new Set(reverting.map((m) => m.name));
  const targets = dropTargets(pack.filter((m) => names.has(m.name)));
  if (reverting.length === appliedCount) {
    targets.schemas.push(MIGRATIONS_SCHEMA);
    if (await testHelpersInstalled(session)) targets.schemas.push('tests');
  }
  const objects = await dependentsOf(session, targets);
  if (objects.length > 0) throw new DependentObjectsError(objects);
}

async function downLocked(
  options: DownOptions,
  session: Session,
  pack: PackMigration[],
): Promise<MigrateResult> {
  const applied = await appliedMigrations(session);
  const count = options.count === 'all' ? applied.length : options.count;
  const reverting = count <= 0 ? [] : applied.slice(-count).reverse();
  await assertNothingDepends(session, pack, reverting, applied.length);
  if (options.dryRun) {
    const sql = downSql(pack, reverting);
    return { migrations: reverting.map((m) => m.name), sql };
  }
  if (reverting.length === 0) return { migrations: [] };

  const ran = await runPack(options, session, pack, 'down', count);
  if ((await appliedMigrations(session)).length === 0) {
    await session.query('drop schema if exists fluxbase cascade');
    await removeTestHelpers(session);
  }
  return { migrations: ran };
}

/**
 * Reverts the newest `count` migrations. Reverting the last one drops the
 * bookkeeping schema too; the cluster-wide roles stay (other databases of
 * the cluster may use them).
 */
export async function migrateDown(
  options: DownOptions,
): Promise<MigrateResult> {
  const pack = await loadPack(options.dir);
  return locked(options, (session) => downLocked(options, session, pack));
}

/**
 * Reverts the newest migration and applies it again, under one lock;
 * `migrations` names it once (empty when none is applied).
 */
export async function migrateRedo(
  options: MigrateOptions,
): Promise<MigrateResult> {
  const pack = await loadPack(options.dir);
  return locked(options, async (session) => {
    const down = await downLocked({ ...options, count: 1 }, session, pack);
    const name = down.migrations[0];
    if (name === undefined) return { migrations: [] };
    if (options.dryRun) {
      const again = pack.filter((m) => m.name === name);
      return { migrations: [name], sql: `${down.sql}\n${dryRunSql(again)}` };
    }

    await upLocked({ ...options, to: name }, session, pack);
    return { migrations: [name] };
  });
}
