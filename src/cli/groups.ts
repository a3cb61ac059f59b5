import type { Command } from 'commander';

import { registerConfig } from './config.ts';
import { registerLint } from './lint.ts';
import { registerMigrate } from './migrate.ts';
import { registerTest } from './test.ts';

/** Every command group, in the order `--help` lists them. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command) => void> = [
  registerMigrate,
  registerConfig,
  registerLint,
  registerTest,
];
