import { type Command, InvalidArgumentError, Option } from 'commander';

import {
  type FailOn,
  failsOn,
  fixScript,
  formatGithub,
  formatJson,
  formatJunit,
  formatSarif,
  formatText,
  type LintReport,
  type Locator,
  lintDatabase,
  lintSqlFiles,
  readBaseline,
  summaryLine,
  writeBaseline,
} from '../lint/index.ts';
import type { CommandContext } from './context.ts';
import { action } from './run.ts';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface LintFlags {
  format?: Format;
  failOn: FailOn;
  schema?: string[];
  baseline?: string;
  writeBaseline?: string;
  fix?: boolean;
  sql?: string[];
}

function collect(value: string, previous: string[] = []): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return [...previous, value];
}

async function run(ctx: CommandContext, flags: LintFlags) {
  const config = ctx.loaded.config.lint;
  const options = {
    schemas: flags.schema ?? config.schemas,
    ignore: config.ignore,
    baseline: flags.baseline ? readBaseline(flags.baseline) : undefined,
  };
  if (flags.sql) {
    ctx.log(`applying ${flags.sql.join(', ')} to an embedded database`);
    const result = await lintSqlFiles({ ...options, paths: flags.sql });
    return { report: result.report, locate: result.locate };
  }
  const db = await ctx.database();
  ctx.log(`linting ${db.label}`);
  return { report: await lintDatabase({ ...options, db }) };
}

function render(
  format: Format,
  report: LintReport,
  locate: Locator | undefined,
): string {
  if (format === 'json') return formatJson(report);
  if (format === 'sarif') return formatSarif(report, { locate });
  if (format === 'junit') return formatJunit(report);
  if (format === 'github') return formatGithub(report, { locate });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return formatText(report, { color });
}

async function lint(ctx: CommandContext, flags: LintFlags) {
  const { report, locate } = await run(ctx, flags);
  if (flags.writeBaseline) {
    writeBaseline(flags.writeBaseline, report.findings);
    ctx.log(
      `wrote ${report.findings.length} findings to ${flags.writeBaseline}`,
    );
    return 0;
  }
  if (flags.fix) {
    process.stdout.write(fixScript(report.findings));
    ctx.log(summaryLine(report));
    return 0;
  }
  const format = flags.format ?? (ctx.json ? 'json' : 'text');
  process.stdout.write(render(format, report, locate));
  if (format !== 'text') ctx.log(summaryLine(report));
  return failsOn(report.findings, flags.failOn) ? 1 : 0;
}

/** `fluxbase-cli lint` */
export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      'flag tables lacking RLS and the other mistakes that leak rows',
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(FORMATS),
    )
    .addOption(
      new Option(
        '--fail-on <level>',
        'exit 1 when a finding reaches this level',
      )
        .choices(['error', 'warn', 'info', 'never'])
        .default('error'),
    )
    .option('--schema <name>', 'lint only this schema (repeatable)', collect)
    .option('--baseline <file>', 'report only findings not in this baseline')
    .option(
      '--write-baseline <file>',
      'save the current findings as a baseline',
    )
    .option('--fix', 'print a SQL script of the fixes that are safe to apply')
    .option(
      '--sql <paths...>',
      'lint SQL files (files, folders, globs) applied to an embedded database',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  fluxbase-cli lint --fail-on warn\n  fluxbase-cli lint --sql supabase/migrations --format sarif > lint.sarif',
    )
    .action(action(lint));
}
