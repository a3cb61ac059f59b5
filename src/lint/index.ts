export {
  applyBaseline,
  type Baseline,
  baselineOf,
  readBaseline,
  writeBaseline,
} from './baseline.ts';
export { LintConfigError, SqlApplyError } from './errors.ts';
export { expandSqlPaths } from './files.ts';
export { fixScript } from './fix.ts';
export * from './formatters/index.ts';
export {
  type Locator,
  lintSqlFiles,
  type SqlLintOptions,
  type SqlLintResult,
  SUPABASE_STUBS,
} from './offline.ts';
export { LINT_SQL_DIR, RULES, ruleByName, ruleSql } from './rules.ts';
export { type LintOptions, lintDatabase } from './runner.ts';
export { API_ROLES, SYSTEM_SCHEMAS, schemasInScope } from './scope.ts';
export {
  type Category,
  type FailOn,
  type Finding,
  failsOn,
  LEVELS,
  type Level,
  type LintReport,
  type Rule,
  type RuleRow,
  type Suppressed,
  type SuppressionSource,
} from './shared.ts';
export {
  applySuppressions,
  commentMarks,
  globToRegExp,
  type IgnoreEntry,
} from './suppress.ts';
