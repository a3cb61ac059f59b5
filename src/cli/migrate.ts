import { type Command, InvalidArgumentError } from 'commander';

import { openEmbedded } from '../db/pglite.ts';
import type { Database } from '../db/shared.ts';
import { parseTarget } from '../db/url.ts';
import { UsageError } from '../errors.ts';
import {
  type MigrateResult,
  migrateDown,
  migrateRedo,
  migrateUp,
  migrationStatus,
} from '../migrate/index.ts';
import type { CommandContext } from './context.ts';
import { print, printJson } from './output.ts';
import { action } from './run.ts';

interface RunFlags {
  dryRun?: boolean;
  lockTimeout: number;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('must be a number of seconds');
  }
  return n;
}

function count(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

/**
 * The database of a run: an embedded folder waits up to --lock-timeout for
 * another process that has it open; anything else opens as usual.
 */
async function withDatabase<T>(
  ctx: CommandContext,
  flags: RunFlags,
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  const target = parseTarget(ctx.url);
  if (target.kind === 'server' || target.dataDir === undefined) {
    return fn(await ctx.database());
  }
  const dir = target.dataDir;
  const db = await openEmbedded(dir, {
    lockTimeoutMs: flags.lockTimeout * 1000,
    onWait: (pid) => ctx.log(`waiting for process ${pid} to close ${dir}`),
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function report(
  ctx: CommandContext,
  verb: string,
  result: MigrateResult,
  nothing: string,
): number {
  if (result.sql !== undefined) {
    if (ctx.json) printJson(result);
    else print(result.sql || `-- ${nothing}`);
    return 0;
  }
  if (ctx.json) {
    printJson({ [verb]: result.migrations });
    return 0;
  }
  if (result.migrations.length === 0) print(nothing);
  for (const name of result.migrations) print(`${verb} ${name}`);
  return 0;
}

function nothingToApply(to: string | undefined, pending: number): string {
  if (to === undefined || pending === 0) {
    return 'nothing to do: the database is up to date';
  }
  const later =
    pending === 1
      ? '1 later migration is pending'
      : `${pending} later migrations are pending`;
  return `nothing to do: ${to} is already applied (${later})`;
}

function warnDrift(ctx: CommandContext, drifted: string[] = []): void {
  for (const name of drifted) {
    ctx.warn(
      `warning: ${name} changed after it was applied (see fluxbase-cli migrate status)`,
    );
  }
}

async function up(
  ctx: CommandContext,
  flags: RunFlags & {
    to?: string;
    grantRolesTo?: string;
    withTestHelpers?: boolean;
  },
) {
  const result = await withDatabase(ctx, flags, (db) => {
    ctx.log(`migrating ${db.label}`);
    return migrateUp({
      db,
      dryRun: flags.dryRun,
      to: flags.to,
      grantRolesTo: flags.grantRolesTo,
      withTestHelpers: flags.withTestHelpers,
      lockTimeoutMs: flags.lockTimeout * 1000,
      log: ctx.log,
    });
  });
  warnDrift(ctx, result.drifted);
  const nothing = nothingToApply(flags.to, result.pending?.length ?? 0);
  return report(ctx, 'applied', result, nothing);
}

async function down(
  ctx: CommandContext,
  n: number | undefined,
  flags: RunFlags & { all?: boolean },
) {
  if (flags.all && n !== undefined) {
    throw new UsageError('give either a count or --all, not both');
  }
  const result = await withDatabase(ctx, flags, (db) =>
    migrateDown({
      db,
      count: flags.all ? 'all' : (n ?? 1),
      dryRun: flags.dryRun,
      lockTimeoutMs: flags.lockTimeout * 1000,
      log: ctx.log,
    }),
  );
  const nothing =
    n === 0
      ? 'nothing to revert: the count is 0'
      : 'nothing to revert: no migration is applied';
  return report(ctx, 'reverted', result, nothing);
}

async function redo(ctx: CommandContext, flags: RunFlags) {
  const result = await withDatabase(ctx, flags, (db) =>
    migrateRedo({
      db,
      dryRun: flags.dryRun,
      lockTimeoutMs: flags.lockTimeout * 1000,
      log: ctx.log,
    }),
  );
  const nothing = 'nothing to redo: no migration is applied';
  return report(ctx, 'redone', result, nothing);
}

async function status(ctx: CommandContext) {
  const db = await ctx.database();
  const result = await migrationStatus({ db });
  if (ctx.json) {
    printJson(result);
  } else {
    for (const m of result.migrations) {
      const when = m.appliedAt ? `  ${m.appliedAt.toISOString()}` : '';
      print(`${m.state.padEnd(8)} ${m.name}${when}`);
    }
    if (result.drift) {
      print(
        'drift: a migration changed (or went missing) after it was applied',
      );
    }
  }
  return result.drift ? 1 : 0;
}

function runFlags(command: Command): Command {
  return command
    .option('--dry-run', 'print the SQL instead of running it')
    .option(
      '--lock-timeout <seconds>',
      'how long to wait for another run to finish',
      seconds,
      60,
    );
}

/** `fluxbase-cli migrate up | down | status | redo` */
export function registerMigrate(program: Command): void {
  const migrate = program
    .command('migrate')
    .description('install, revert and inspect the extension pack');

  runFlags(migrate.command('up'))
    .description('apply every pending migration of the pack')
    .option('--to <name>', 'stop after this migration')
    .option(
      '--grant-roles-to <role>',
      'let this login role SET ROLE to anon, authenticated and service_role',
    )
    .option(
      '--with-test-helpers',
      'also install the pgTAP helpers of schema tests (for fluxbase-cli test)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli migrate up --database-url postgres://app@localhost/app',
    )
    .action(action(up));

  runFlags(migrate.command('down'))
    .description('revert the newest migrations (default 1)')
    .argument('[count]', 'how many to revert', count)
    .option('--all', 'revert every migration (the roles stay)')
    .addHelpText('after', '\nExample:\n  fluxbase-cli migrate down 2')
    .action(action(down));

  migrate
    .command('status')
    .description('list migrations; exit 1 when one drifted')
    .addHelpText('after', '\nExample:\n  fluxbase-cli migrate status --json')
    .action(action(status));

  runFlags(migrate.command('redo'))
    .description('revert the newest migration and apply it again')
    .addHelpText('after', '\nExample:\n  fluxbase-cli migrate redo')
    .action(action(redo));
}
