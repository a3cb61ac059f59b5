import type { Command } from 'commander';

import { registerAuth } from './auth.ts';
import { registerConfig } from './config.ts';
import { registerKeys } from './keys.ts';
import { registerMigrate } from './migrate.ts';
import { registerRatelimit } from './ratelimit.ts';
import { registerSecrets } from './secrets.ts';

/** Every command group, in the order `--help` lists them. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command) => void> = [
  registerMigrate,
  registerConfig,
  registerAuth,
  registerRatelimit,
  registerSecrets,
  registerKeys,
];
