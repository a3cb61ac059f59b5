import type { Command } from 'commander';
import { stringify } from 'yaml';

import { redactConfig } from '../config/redact.ts';
import type { CommandContext } from './context.ts';
import { print, printJson } from './output.ts';
import { action } from './run.ts';

async function show(ctx: CommandContext) {
  const shown = redactConfig(ctx.loaded.config);
  if (ctx.json) printJson(shown);
  else print(stringify(shown).trimEnd());
  return 0;
}

async function check(ctx: CommandContext) {
  const where = ctx.loaded.file ?? 'defaults (no fluxbase.yaml)';
  if (ctx.json) printJson({ valid: true, file: ctx.loaded.file ?? null });
  else print(`configuration is valid: ${where} (${ctx.loaded.environment})`);
  return 0;
}

/** `fluxbase-cli config show | check` */
export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('validate and print fluxbase.yaml');

  config
    .command('show')
    .description('print the configuration in force, secrets hidden')
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli config show --config fluxbase.yaml',
    )
    .action(action(show));

  config
    .command('check')
    .description('validate the configuration; exit 2 with every problem')
    .addHelpText('after', '\nExample:\n  fluxbase-cli config check')
    .action(action(check));
}
