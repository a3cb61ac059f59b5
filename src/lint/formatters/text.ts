import { LEVELS, type Level, type LintReport } from '../shared.ts';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a terminal only). */
  color?: boolean;
}

const COLOURS: Record<Level, string> = {
  ERROR: '\x1b[31m',
  WARN: '\x1b[33m',
  INFO: '\x1b[36m',
};
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function paint(on: boolean, code: string, text: string): string {
  return on ? `${code}${text}${RESET}` : text;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The closing line: counts by level and what was suppressed. */
export function summaryLine(report: LintReport): string {
  const count = (level: Level) =>
    report.findings.filter((f) => f.level === level).length;
  const suppressed =
    report.suppressed.length > 0
      ? ` (${report.suppressed.length} suppressed)`
      : '';
  if (report.findings.length === 0) {
    return `no findings in ${plural(report.schemas.length, 'schema')}${suppressed}`;
  }
  const parts = [
    plural(count('ERROR'), 'error'),
    plural(count('WARN'), 'warning'),
    plural(count('INFO'), 'info', 'info'),
  ];
  return `${plural(report.findings.length, 'finding')}: ${parts.join(', ')}${suppressed}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/**
 * Findings for people: grouped by level, each with its object, why it
 * matters and the SQL that fixes it, then a summary line.
 *
 * @example
 * process.stdout.write(formatText(report, { color: process.stdout.isTTY }));
 */
export function formatText(report: LintReport, options: TextOptions = {}) {
  const on = options.color ?? false;
  const out: string[] = [];
  for (const level of LEVELS) {
    const group = report.findings.filter((f) => f.level === level);
    if (group.length === 0) continue;
    out.push(paint(on, BOLD + COLOURS[level], `${level} (${group.length})`));
    for (const f of group) {
      out.push(`  ${paint(on, COLOURS[level], f.rule)}  ${f.object}`);
      out.push(`    ${f.message}`);
      out.push(paint(on, DIM, `    why: ${f.description}`));
      out.push(`    fix:\n${indent(f.fix, '      ')}`);
    }
    out.push('');
  }
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}
