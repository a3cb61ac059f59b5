import type { LintReport } from '../shared.ts';

/** Escapes text for an XML attribute or element. */
export function xmlEscape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function ruleSuite(report: LintReport, name: string): string {
  const found = report.findings.filter((f) => f.rule === name);
  const cases =
    found.length === 0
      ? [`    <testcase classname="${name}" name="no findings"/>`]
      : found.map(
          (f) =>
            `    <testcase classname="${name}" name="${xmlEscape(f.object)}">\n` +
            `      <failure type="${f.level}" message="${xmlEscape(f.message)}">${xmlEscape(`${f.description}\nfix: ${f.fix}`)}</failure>\n` +
            '    </testcase>',
        );
  const tests = Math.max(found.length, 1);
  return [
    `  <testsuite name="${name}" tests="${tests}" failures="${found.length}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

/**
 * JUnit XML: a test suite per rule, a failing test case per finding (a
 * passing "no findings" case for a clean rule).
 *
 * @example
 * writeFileSync('lint.xml', formatJunit(report));
 */
export function formatJunit(report: LintReport): string {
  const failures = report.findings.length;
  const tests = report.rules.reduce(
    (n, r) =>
      n + Math.max(report.findings.filter((f) => f.rule === r.name).length, 1),
    0,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fluxbase-cli lint" tests="${tests}" failures="${failures}">`,
    ...report.rules.map((r) => ruleSuite(report, r.name)),
    '</testsuites>',
    '',
  ].join('\n');
}
