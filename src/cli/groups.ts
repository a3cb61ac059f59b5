import type { Command } from 'commander';

import { registerAudit } from './audit.ts';
import { registerAuth } from './auth.ts';
import { registerConfig } from './config.ts';
import { registerDemo } from './demo.ts';
import { registerKeys } from './keys.ts';
import { registerLint } from './lint.ts';
import { registerMigrate } from './migrate.ts';
import { registerRatelimit } from './ratelimit.ts';
import { registerSecrets } from './secrets.ts';
import { registerTest } from './test.ts';

/** Every command group, in the order `--help` lists them. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command) => void> = [
  registerMigrate,
  registerConfig,
  registerAuth,
  registerSecrets,
  registerKeys,
  registerLint,
  registerTest,
  registerRatelimit,
  registerAudit,
  registerDemo,
];
