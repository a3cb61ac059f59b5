import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Command, CommanderError } from 'commander';

import { PACK_ROOT } from '../migrate/pack.ts';
import { COMMAND_GROUPS } from './groups.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(join(PACK_ROOT, 'package.json'), 'utf8'));
  return String(pkg.version);
}

function configure(command: Command): void {
  command.exitOverride();
  command.showHelpAfterError('(run with --help for usage)');
  for (const sub of command.commands) configure(sub);
}

/** The commander program with every group registered. */
export function buildProgram(): Command {
  const program = new Command('fluxbase-cli')
    .description(
      'The security layer of a backend-as-a-service for any PostgreSQL.',
    )
    .version(version())
    .option(
      '--database-url <url>',
      'postgres://…, memory:// or a folder (default: DATABASE_URL, database.url, ./.fluxbase/db)',
    )
    .option(
      '--config <file>',
      'configuration file (default: ./fluxbase.yaml when present)',
    )
    .option('--json', 'print results as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 clean, 1 findings or refused work, 2 usage, configuration or connection error.',
    );

  for (const register of COMMAND_GROUPS) register(program);
  configure(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv form); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const clean =
        error.exitCode === 0 || error.code === 'commander.helpDisplayed';
      return clean ? 0 : 2;
    }
    throw error;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
