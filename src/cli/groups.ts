import type { Command } from 'commander';

import { registerAuth } from './auth.ts';
import { registerConfig } from './config.ts';
import { registerMigrate } from './migrate.ts';
import { registerRatelimit } from './ratelimit.ts';

/** Every command group, in the order `--help` lists them. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command) => void> = [
  registerMigrate,
  registerConfig,
  registerAuth,
  registerRatelimit,
];
