import type { Finding } from './shared.ts';

/**
 * A SQL script of the fixes that are safe to apply mechanically (they
 * change no row anyone may see: enabling RLS where policies already
 * exist, forcing it, revoking TRUNCATE, adding indexes), in one
 * transaction; the rest are listed as comments for a person to review.
 *
 * @example
 * writeFileSync('fix.sql', fixScript(report.findings));
 */
export function fixScript(findings: readonly Finding[]): string {
  const safe = findings.filter((f) => f.fixable);
  const manual = findings.filter((f) => !f.fixable);
  const out = ['-- fluxbase-cli lint --fix: remediations safe to apply'];
  if (safe.length === 0) out.push('-- nothing to apply mechanically');
  else {
    out.push('begin;');
    for (const f of safe) out.push(`-- ${f.rule}: ${f.object}`, f.fix);
    out.push('commit;');
  }
  if (manual.length > 0) {
    out.push('', `-- ${manual.length} more need a person to decide:`);
    for (const f of manual) out.push(`--   ${f.rule}: ${f.object}`);
  }
  return `${out.join('\n')}\n`;
}
