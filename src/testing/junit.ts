import { xmlEscape } from '../lint/formatters/junit.ts';
import type { FileResult } from './files.ts';

function cases(result: FileResult): string[] {
  if (result.error) {
    return [
      `    <testcase classname="${xmlEscape(result.file)}" name="runs">`,
      `      <error message="the file stopped with an error">${xmlEscape(result.error)}</error>`,
      '    </testcase>',
    ];
  }
  const out = result.lines
    .filter((line) => /^(not )?ok \d+/.test(line))
    .map((line) => {
      const name = xmlEscape(line.replace(/^(not )?ok \d+( - )?/, ''));
      const head = `    <testcase classname="${xmlEscape(result.file)}" name="${name}"`;
      return line.startsWith('not ')
        ? `${head}>\n      <failure message="${xmlEscape(line)}"/>\n    </testcase>`
        : `${head}/>`;
    });
  if (!result.ok && result.failed.length === 0) {
    out.push(
      `    <testcase classname="${xmlEscape(result.file)}" name="plan">\n      <failure message="planned ${result.planned ?? 'no'} tests, ran ${result.passed}"/>\n    </testcase>`,
    );
  }
  return out;
}

/**
 * pgTAP results as JUnit XML: a suite per file, a case per test.
 *
 * @example
 * writeFileSync('pgtap.xml', tapJunit(results));
 */
export function tapJunit(results: readonly FileResult[]): string {
  const suites = results.map((r) => {
    const body = cases(r);
    const failures = body.filter((c) => /<(failure|error)/.test(c)).length;
    return [
      `  <testsuite name="${xmlEscape(r.file)}" tests="${body.length}" failures="${failures}">`,
      ...body,
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="fluxbase-cli test">\n${suites.join('\n')}\n</testsuites>\n`;
}
