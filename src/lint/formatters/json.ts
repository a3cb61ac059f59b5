import type { LintReport } from '../shared.ts';

/**
 * The report as JSON: `findings` (rule, level, category, object, message,
 * fix, key, ...), `suppressed`, `schemas` and a `summary` of counts.
 *
 * @example
 * const { findings } = JSON.parse(formatJson(report));
 */
export function formatJson(report: LintReport): string {
  const count = (level: string) =>
    report.findings.filter((f) => f.level === level).length;
  const body = {
    findings: report.findings,
    suppressed: report.suppressed.map(({ finding, source, reason }) => ({
      rule: finding.rule,
      object: finding.object,
      key: finding.key,
      source,
      reason,
    })),
    schemas: report.schemas,
    summary: {
      error: count('ERROR'),
      warn: count('WARN'),
      info: count('INFO'),
      suppressed: report.suppressed.length,
    },
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
