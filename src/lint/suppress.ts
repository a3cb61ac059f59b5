import { LintConfigError } from './errors.ts';
import { ruleByName } from './rules.ts';
import type { Finding, Suppressed } from './shared.ts';

/** One entry of `lint.ignore` in fluxbase.yaml. */
export interface IgnoreEntry {
  /** A rule name, or a glob over names. */
  rule: string;
  /** A glob over the qualified object name (`*` any text, `?` one char). */
  object: string;
  reason: string;
}

const MARK = /@fluxbase-lint-ignore\s+([a-z0-9_*,\s]+?)\s*:\s*(\S[^\n]*)/g;

/**
 * A glob as a regular expression over a whole name: `*` is any text (dots
 * included), `?` one character.
 *
 * @example
 * globToRegExp('public.*').test('public.profiles.own rows'); // true
 */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => {
      if (ch === '*') return '.*';
      if (ch === '?') return '.';
      return ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`, 's');
}

/**
 * Refuses an ignore entry whose rule matches no rule of the registry.
 *
 * @example
 * checkIgnoreEntries(config.lint.ignore); // throws LintConfigError on a typo
 */
export function checkIgnoreEntries(entries: readonly IgnoreEntry[]): void {
  entries.forEach((entry, index) => {
    const known = entry.rule.includes('*') || entry.rule.includes('?');
    if (known || ruleByName(entry.rule)) return;
    throw new LintConfigError(
      `lint.ignore[${index}].rule: unknown rule ${entry.rule} (see docs/lint.md for the rule names)`,
    );
  });
}

/**
 * The rules a comment silences, each with its reason.
 *
 * @example
 * commentMarks('@fluxbase-lint-ignore rls_disabled: a public list');
 * // Map { 'rls_disabled' => 'a public list' }
 */
export function commentMarks(comment: string | null): Map<string, string> {
  const marks = new Map<string, string>();
  for (const match of (comment ?? '').matchAll(MARK)) {
    for (const rule of match[1]!.split(/[\s,]+/).filter(Boolean)) {
      marks.set(rule, match[2]!.trim());
    }
  }
  return marks;
}

/**
 * The config entry that silences a finding, if any.
 *
 * @example
 * configMatch(finding, [{ rule: '*', object: 'public.*', reason: 'demo' }]);
 */
export function configMatch(
  finding: Finding,
  entries: readonly IgnoreEntry[],
): IgnoreEntry | undefined {
  return entries.find(
    (entry) =>
      globToRegExp(entry.rule).test(finding.rule) &&
      globToRegExp(entry.object).test(finding.object),
  );
}

/**
 * Splits findings into those kept and those config or a comment silences.
 *
 * @example
 * const { findings, suppressed } = applySuppressions(found, ignore);
 */
export function applySuppressions(
  found: readonly { finding: Finding; comment: string | null }[],
  entries: readonly IgnoreEntry[],
): { findings: Finding[]; suppressed: Suppressed[] } {
  const findings: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const { finding, comment } of found) {
    const byComment = commentMarks(comment).get(finding.rule);
    const byConfig = configMatch(finding, entries);
    if (byComment !== undefined) {
      suppressed.push({ finding, source: 'comment', reason: byComment });
    } else if (byConfig) {
      suppressed.push({ finding, source: 'config', reason: byConfig.reason });
    } else findings.push(finding);
  }
  return { findings, suppressed };
}
