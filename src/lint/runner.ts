import type { Database, Session } from '../db/shared.ts';
import { applyBaseline, type Baseline } from './baseline.ts';
import { RULES, ruleSql } from './rules.ts';
import { API_ROLES, schemasInScope } from './scope.ts';
import type { Finding, LintReport, Rule, RuleRow } from './shared.ts';
import {
  applySuppressions,
  checkIgnoreEntries,
  type IgnoreEntry,
} from './suppress.ts';

export interface LintOptions {
  db: Pick<Database, 'transaction'>;
  /** Only these schemas (default: every schema but the system ones). */
  schemas?: readonly string[] | undefined;
  /** `lint.ignore` of fluxbase.yaml. */
  ignore?: readonly IgnoreEntry[];
  /** Findings already known; they are reported as suppressed. */
  baseline?: Baseline | undefined;
}

/** The qualified name of what a row is about. */
function objectOf(row: RuleRow): string {
  const base = `${row.object_schema}.${row.object_name}`;
  return row.sub_object === null ? base : `${base}.${row.sub_object}`;
}

function findingOf(rule: Rule, row: RuleRow): Finding {
  const object = objectOf(row);
  return {
    rule: rule.name,
    id: rule.id,
    level: rule.level,
    category: rule.category,
    title: rule.title,
    object,
    objectType: row.object_type,
    schema: row.object_schema,
    message: row.message,
    description: rule.description,
    fix: row.fix,
    fixable: row.fixable,
    key: `${rule.name}:${object}`,
  };
}

function compare(a: Finding, b: Finding): number {
  const level = (f: Finding) => ['ERROR', 'WARN', 'INFO'].indexOf(f.level);
  return level(a) - level(b) || a.id.localeCompare(b.id) || cmp(a, b);
}

function cmp(a: Finding, b: Finding): number {
  return a.object < b.object ? -1 : a.object > b.object ? 1 : 0;
}

async function runRules(tx: Session, schemas: string[]) {
  const found: { finding: Finding; comment: string | null }[] = [];
  for (const rule of RULES) {
    const sql = ruleSql(rule);
    const body = sql.replace(/--[^\n]*/g, '');
    const params = body.includes('$2') ? [schemas, API_ROLES] : [schemas];
    const { rows } = await tx.query<RuleRow>(sql, params);
    for (const row of rows) {
      found.push({ finding: findingOf(rule, row), comment: row.comment });
    }
  }
  return found;
}

/**
 * Runs every rule against the catalog, in one read-only transaction with
 * `search_path = ''`, and applies the suppressions: comments on the
 * objects, `lint.ignore` entries, then the baseline.
 *
 * @example
 * const { findings } = await lintDatabase({ db, schemas: ['public'] });
 */
export async function lintDatabase(options: LintOptions): Promise<LintReport> {
  const ignore = options.ignore ?? [];
  checkIgnoreEntries(ignore);

  const { schemas, found } = await options.db.transaction(async (tx) => {
    await tx.query('set transaction read only');
    await tx.query(`select pg_catalog.set_config('search_path', '', true)`);
    const schemas = await schemasInScope(tx, options.schemas);
    return { schemas, found: await runRules(tx, schemas) };
  });

  const marked = applySuppressions(found, ignore);
  const based = options.baseline
    ? applyBaseline(marked.findings, options.baseline)
    : { findings: marked.findings, suppressed: [] };
  return {
    findings: based.findings.sort(compare),
    suppressed: [...marked.suppressed, ...based.suppressed],
    schemas,
    rules: RULES,
  };
}
