import type { Finding, Level, LintReport, Rule } from '../shared.ts';

export interface SarifOptions {
  /**
   * The file results point at (GitHub code scanning needs a location):
   * by default `fluxbase.yaml`; `lint --sql` passes where each object was
   * created.
   */
  locate?: (finding: Finding) => { uri: string; line: number } | undefined;
  /** The tool version shown in the log. */
  version?: string;
}

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = {
  ERROR: 'error',
  WARN: 'warning',
  INFO: 'note',
};
const DOCS = 'docs/lint.md';
/** GitHub code scanning ranks security alerts by this score (0 to 10). */
const SEVERITY: Record<Level, string> = {
  ERROR: '8.0',
  WARN: '5.0',
  INFO: '2.0',
};

function ruleDescriptor(rule: Rule) {
  return {
    id: rule.name,
    name: rule.name,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: {
      text: rule.remediation,
      markdown: `${rule.remediation}\n\nSee ${DOCS}#${rule.id}-${rule.name}.`,
    },
    defaultConfiguration: { level: SARIF_LEVEL[rule.level] },
    properties: {
      category: rule.category,
      tags: [rule.category.toLowerCase(), 'postgres', 'rls'],
      'security-severity': SEVERITY[rule.level],
    },
  };
}

function result(f: Finding, index: number, options: SarifOptions) {
  const where = options.locate?.(f) ?? { uri: 'fluxbase.yaml', line: 1 };
  return {
    ruleId: f.rule,
    ruleIndex: index,
    level: SARIF_LEVEL[f.level],
    message: { text: `${f.message}. Fix: ${f.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: where.uri },
          region: { startLine: where.line },
        },
        logicalLocations: [
          { fullyQualifiedName: f.object, kind: f.objectType },
        ],
      },
    ],
    partialFingerprints: { 'fluxbaseLintKey/v1': f.key },
  };
}

/**
 * A SARIF 2.1.0 log with one run, every rule described and one result
 * per finding, as GitHub code scanning accepts it.
 *
 * @example
 * writeFileSync('lint.sarif', formatSarif(report));
 */
export function formatSarif(
  report: LintReport,
  options: SarifOptions = {},
): string {
  const index = new Map(report.rules.map((r, i) => [r.name, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'fluxbase-cli lint',
            version: options.version ?? '0.0.0',
            rules: report.rules.map(ruleDescriptor),
          },
        },
        results: report.findings.map((f) =>
          result(f, index.get(f.rule) ?? 0, options),
        ),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
