import type { Command } from 'commander';

import { registerConfig } from './config.ts';
import { registerKeys } from './keys.ts';
import { registerMigrate } from './migrate.ts';
import { registerSecrets } from './secrets.ts';

/** Every command group, in the order `--help` lists them. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command) => void> = [
  registerMigrate,
  registerConfig,
  registerSecrets,
  registerKeys,
];
