import type { Queryable, QueryResult } from '../db/shared.ts';

/** The outcome of one pgTAP script. */
export interface TapResult {
  /** Every TAP line the script printed, in order. */
  lines: string[];
  planned: number | undefined;
  passed: number;
  failed: string[];
  /** True when every test passed and the count matched the plan. */
  ok: boolean;
}

interface ScriptRunner extends Queryable {
  exec(script: string): Promise<QueryResult[]>;
}

function tapLines(results: QueryResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    for (const row of result.rows) {
      for (const value of Object.values(row)) {
        if (typeof value === 'string') lines.push(...value.split('\n'));
      }
    }
  }
  return lines;
}

/** Reads TAP lines: the plan, the passes and the failures. */
export function parseTap(lines: string[]): TapResult {
  const plan = lines.map((l) => /^1\.\.(\d+)/.exec(l)).find(Boolean);
  const planned = plan ? Number(plan[1]) : undefined;
  const passed = lines.filter((l) => /^ok \d+/.test(l)).length;
  const failed = lines.filter((l) => /^not ok \d+/.test(l));
  const counted = passed + failed.length;
  const ok =
    failed.length === 0 && planned !== undefined && planned === counted;
  return { lines, planned, passed, failed, ok };
}

/**
 * Runs a pgTAP script (pgtap installed) and parses what it prints.
 *
 * @example
 * const { ok, failed } = await runTap(db, readFileSync('policy.sql', 'utf8'));
 */
export async function runTap(
  db: ScriptRunner,
  script: string,
): Promise<TapResult> {
  return parseTap(tapLines(await db.exec(script)));
}
