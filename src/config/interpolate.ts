import type { ConfigProblem } from './errors.ts';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Interpolated {
  value: string;
  /** True when at least one ${VAR} was replaced. */
  replaced: boolean;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` with values from `env`; `$$`
 * stands for a literal `$`. A variable that is unset (and has no default)
 * is reported as a problem.
 */
export function interpolate(
  text: string,
  env: NodeJS.ProcessEnv,
  report: (problem: Omit<ConfigProblem, 'path' | 'where'>) => void,
): Interpolated {
  let replaced = false;
  if (text.replace(REFERENCE, '').includes('${')) {
    report({
      message: `has an unterminated \${: write \${NAME} or \${NAME:-default} (or $$ for a literal $)`,
    });
  }
  const value = text.replace(
    REFERENCE,
    (whole, name?: string, dflt?: string) => {
      if (whole === '$$') return '$';
      replaced = true;
      const found = env[name!];
      if (found !== undefined && found !== '') return found;
      if (dflt !== undefined) return dflt;
      report({
        message: `environment variable ${name} is not set (set it, or write \${${name}:-default})`,
      });
      return '';
    },
  );
  return { value, replaced };
}
