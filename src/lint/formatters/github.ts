import type { Finding, Level, LintReport } from '../shared.ts';

const COMMAND: Record<Level, string> = {
  ERROR: 'error',
  WARN: 'warning',
  INFO: 'notice',
};

/** Escapes the message of a workflow command. */
function data(text: string): string {
  return text
    .replaceAll('%', '%25')
    .replaceAll('\r', '%0D')
    .replaceAll('\n', '%0A');
}

/** Escapes a property (title, file) of a workflow command. */
function property(text: string): string {
  return data(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export interface GithubOptions {
  /** The file and line a finding points at, when known. */
  locate?: (finding: Finding) => { uri: string; line: number } | undefined;
}

/**
 * GitHub Actions workflow annotations, one line per finding:
 * `::error title=rls_disabled public.notes::row level security is ...`.
 *
 * @example
 * process.stdout.write(formatGithub(report));
 */
export function formatGithub(
  report: LintReport,
  options: GithubOptions = {},
): string {
  const lines = report.findings.map((f) => {
    const where = options.locate?.(f);
    const file = where ? `file=${property(where.uri)},line=${where.line},` : '';
    const title = property(`${f.rule} ${f.object}`);
    return `::${COMMAND[f.level]} ${file}title=${title}::${data(`${f.message}. Fix: ${f.fix}`)}`;
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
