import { type Command, InvalidArgumentError } from 'commander';

import { parseDuration } from '../config/duration.ts';
import { UsageError } from '../errors.ts';
import { purgeBuckets, syncLimits } from '../ratelimit/index.ts';
import type { CommandContext } from './context.ts';
import { print, printJson } from './output.ts';
import { action } from './run.ts';

function duration(value: string): string {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1) {
    throw new InvalidArgumentError('must be a duration such as 30m, 1h or 1d');
  }
  return value;
}

async function sync(ctx: CommandContext) {
  const db = await ctx.database();
  const { ratelimit } = ctx.loaded.config;
  const limits = await syncLimits(db, ratelimit);
  if (ctx.json) {
    printJson({ window: ratelimit.window, limits });
    return 0;
  }
  for (const [role, limit] of Object.entries(limits)) {
    print(`${role.padEnd(14)} ${limit} per ${ratelimit.window}`);
  }
  return 0;
}

async function purge(ctx: CommandContext, flags: { olderThan: string }) {
  const { window } = ctx.loaded.config.ratelimit;
  if (parseDuration(flags.olderThan)! < parseDuration(window)!) {
    throw new UsageError(
      `--older-than ${flags.olderThan} is shorter than the window (${window}): a bucket idle for less than a window may still be refilling, and dropping it hands out extra requests`,
    );
  }
  const db = await ctx.database();
  const dropped = await purgeBuckets(db, flags.olderThan);
  if (ctx.json) printJson({ dropped });
  else print(`dropped ${dropped} idle buckets`);
  return 0;
}

/** `fluxbase-cli ratelimit sync | purge` */
export function registerRatelimit(program: Command): void {
  const group = program
    .command('ratelimit')
    .description('per-role limits and bucket upkeep in the database');

  group
    .command('sync')
    .description('write the limits of fluxbase.yaml into ratelimit.limits')
    .addHelpText('after', '\nExample:\n  fluxbase-cli ratelimit sync')
    .action(action(sync));

  group
    .command('purge')
    .description('drop buckets left idle (full again) from ratelimit.buckets')
    .option(
      '--older-than <duration>',
      'idle for at least this long',
      duration,
      '1h',
    )
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli ratelimit purge --older-than 2h',
    )
    .action(action(purge));
}
