import { existsSync } from 'node:fs';

import { type Command, Option } from 'commander';

import { UsageError } from '../errors.ts';
import { expandSqlPaths } from '../lint/files.ts';
import { type FileResult, runTestFiles, tapJunit } from '../testing/index.ts';
import type { CommandContext } from './context.ts';
import { print } from './output.ts';
import { action } from './run.ts';

/** Where `fluxbase-cli test` looks when no file is given, in order. */
const DEFAULT_DIRS = ['supabase/tests', 'tests'];

function pickPaths(files: string[]): string[] {
  if (files.length > 0) return files;
  const found = DEFAULT_DIRS.find((dir) => existsSync(dir));
  if (!found) {
    throw new UsageError(
      `no test files given and no ${DEFAULT_DIRS.join(' or ')} folder here: fluxbase-cli test FILES...`,
    );
  }
  return [found];
}

function printTap(results: readonly FileResult[]): void {
  for (const result of results) {
    print(`# ${result.file}`);
    if (result.error)
      print(`not ok - ${result.file} stopped:\n${result.error}`);
    else for (const line of result.lines.filter(Boolean)) print(line);
  }
  const failed = results.filter((r) => !r.ok).length;
  print(
    `# ${results.length - failed} of ${results.length} files passed${
      failed
        ? `; failing: ${results
            .filter((r) => !r.ok)
            .map((r) => r.file)
            .join(', ')}`
        : ''
    }`,
  );
}

async function test(
  ctx: CommandContext,
  files: string[],
  flags: { format: 'tap' | 'junit' },
) {
  // Resolved before connecting, so a wrong path fails fast.
  const paths = expandSqlPaths(pickPaths(files), '.', '');
  const db = await ctx.database();
  ctx.log(`testing ${db.label}`);
  const results = await runTestFiles({ db, paths });
  if (flags.format === 'junit') process.stdout.write(tapJunit(results));
  else printTap(results);
  return results.every((r) => r.ok) ? 0 : 1;
}

/** `fluxbase-cli test [FILES...]` */
export function registerTest(program: Command): void {
  program
    .command('test')
    .description(
      'run pgTAP files against the database, each in a transaction that is rolled back',
    )
    .argument(
      '[files...]',
      'files, folders or globs (default: supabase/tests or tests)',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['tap', 'junit'])
        .default('tap'),
    )
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli migrate up --with-test-helpers && fluxbase-cli test tests/',
    )
    .action(action(test));
}
