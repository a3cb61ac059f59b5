/** How bad a finding is; `--fail-on` compares against it. */
export type Level = 'ERROR' | 'WARN' | 'INFO';

/** What a rule protects: rows (SECURITY) or query time (PERFORMANCE). */
export type Category = 'SECURITY' | 'PERFORMANCE';

/** One rule of the linter, as the registry describes it. */
export interface Rule {
  /** Permanent four-digit number, also the prefix of its SQL file. */
  id: string;
  /** Permanent name, e.g. `rls_disabled`. */
  name: string;
  level: Level;
  category: Category;
  title: string;
  /** Why it matters, in a sentence or two. */
  description: string;
  /** How to fix it, in words; each finding carries its own SQL. */
  remediation: string;
}

/** The fixed columns every rule query returns. */
export interface RuleRow {
  object_schema: string;
  object_name: string;
  object_type: string;
  sub_object: string | null;
  message: string;
  fix: string;
  fixable: boolean;
  comment: string | null;
}

/** One mistake found in the database. */
export interface Finding {
  rule: string;
  id: string;
  level: Level;
  category: Category;
  title: string;
  /** The qualified name: `public.profiles` or `public.profiles.policy`. */
  object: string;
  objectType: string;
  schema: string;
  message: string;
  /** Why it matters (the rule's description). */
  description: string;
  /** SQL that fixes it (or a comment saying what to do). */
  fix: string;
  /** True when `--fix` may apply the SQL without a person looking. */
  fixable: boolean;
  /** Stable across runs and databases: `rule:object`, no OIDs. */
  key: string;
}

/** Where a suppressed finding was silenced. */
export type SuppressionSource = 'config' | 'comment' | 'baseline';

export interface Suppressed {
  finding: Finding;
  source: SuppressionSource;
  reason: string;
}

/** What one lint run found. */
export interface LintReport {
  findings: Finding[];
  suppressed: Suppressed[];
  /** The schemas that were linted. */
  schemas: string[];
  /** Every rule that ran (the whole registry). */
  rules: readonly Rule[];
}

/** The levels from the most to the least severe. */
export const LEVELS: readonly Level[] = ['ERROR', 'WARN', 'INFO'];

/** `--fail-on`: the least severe level that fails, or never. */
export type FailOn = 'error' | 'warn' | 'info' | 'never';

/**
 * True when a finding at or above `failOn` is present.
 *
 * @example
 * failsOn(report.findings, 'warn'); // true with any ERROR or WARN
 */
export function failsOn(findings: readonly Finding[], failOn: FailOn) {
  if (failOn === 'never') return false;
  const limit = LEVELS.indexOf(failOn.toUpperCase() as Level);
  return findings.some((f) => LEVELS.indexOf(f.level) <= limit);
}
