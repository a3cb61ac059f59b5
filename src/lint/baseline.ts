import { readFileSync, writeFileSync } from 'node:fs';

import { LintConfigError } from './errors.ts';
import type { Finding, Suppressed } from './shared.ts';

/** The findings a database already had, by key, so CI fails on new ones. */
export interface Baseline {
  version: 1;
  findings: { key: string; rule: string; object: string }[];
}

/**
 * A baseline of the findings given, sorted by key.
 *
 * @example
 * writeFileSync('lint-baseline.json', JSON.stringify(baselineOf(findings)));
 */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const entries = findings
    .map(({ key, rule, object }) => ({ key, rule, object }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { version: 1, findings: entries };
}

/**
 * Writes a baseline file (pretty JSON).
 *
 * @example
 * writeBaseline('lint-baseline.json', report.findings);
 */
export function writeBaseline(file: string, findings: readonly Finding[]) {
  writeFileSync(file, `${JSON.stringify(baselineOf(findings), null, 2)}\n`);
}

/**
 * Reads a baseline file; a missing or malformed one is an error.
 *
 * @example
 * await lintDatabase({ db, baseline: readBaseline('lint-baseline.json') });
 */
export function readBaseline(file: string): Baseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LintConfigError(
      `cannot read the baseline ${file}: ${(error as Error).message} (write one with --write-baseline ${file})`,
      { cause: error },
    );
  }
  const keys = (parsed as Baseline)?.findings;
  if ((parsed as Baseline)?.version !== 1 || !Array.isArray(keys)) {
    throw new LintConfigError(
      `${file} is not a lint baseline: expected {"version": 1, "findings": [...]}`,
    );
  }
  return parsed as Baseline;
}

/**
 * Moves the findings the baseline already knows into `suppressed`.
 *
 * @example
 * const { findings } = applyBaseline(report.findings, baseline); // new ones
 */
export function applyBaseline(
  findings: readonly Finding[],
  baseline: Baseline,
): { findings: Finding[]; suppressed: Suppressed[] } {
  const known = new Set(baseline.findings.map((f) => f.key));
  const kept = findings.filter((f) => !known.has(f.key));
  const suppressed = findings
    .filter((f) => known.has(f.key))
    .map((finding) => ({
      finding,
      source: 'baseline' as const,
      reason: 'in the baseline',
    }));
  return { findings: kept, suppressed };
}
