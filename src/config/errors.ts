import { FluxbaseError } from '../errors.ts';

/** One thing wrong with the configuration, and where. */
export interface ConfigProblem {
  /** `security.encryption.keys[1].key`, or '' for the whole file. */
  path: string;
  /** `line 12`, `FLUXBASE_AUTH_JWT_SECRET`, … */
  where?: string | undefined;
  message: string;
}

/** Renders a problem as `path (where): message`. */
export function formatProblem(problem: ConfigProblem): string {
  if (!problem.path) {
    return `${problem.where ?? 'file'}: ${problem.message}`;
  }
  const where = problem.where ? ` (${problem.where})` : '';
  return `${problem.path}${where}: ${problem.message}`;
}

/** The configuration is invalid; every problem is listed at once. */
export class ConfigError extends FluxbaseError {
  readonly problems: readonly ConfigProblem[];
  readonly file: string | undefined;

  constructor(problems: ConfigProblem[], file?: string) {
    const head = file
      ? `invalid configuration in ${file}`
      : 'invalid configuration';
    const count =
      problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const body = problems.map((p) => `  ${formatProblem(p)}`).join('\n');
    super('config_invalid', `${head} (${count}):\n${body}`);
    this.problems = problems;
    this.file = file;
  }
}

/** Formats a config path such as ['keys', 1, 'key'] as `keys[1].key`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** A key source (HashiCorp Vault, AWS KMS) failed or refused. */
export class KeySourceError extends FluxbaseError {
  constructor(message: string, options?: ErrorOptions) {
    super('key_source', message, options);
  }
}
