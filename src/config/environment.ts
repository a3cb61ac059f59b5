import { redactUrl } from '../db/url.ts';
import { ConfigError } from './errors.ts';
import type { LoadedConfig } from './load.ts';
import { VAULT_REF } from './schema.ts';
import {
  HOW_TO_GENERATE_SECRET,
  isPlaceholderSecret,
  MIN_SECRET_BYTES,
} from './secrets.ts';

/** A setting that is unsafe in production (an error there, else a warning). */
export interface EnvironmentFinding {
  rule:
    | 'jwt_secret_weak'
    | 'literal_secret'
    | 'ratelimit_disabled'
    | 'memory_backend_global'
    | 'hsts_disabled';
  path: string;
  message: string;
}

type Check = (loaded: LoadedConfig) => EnvironmentFinding[];

const jwtSecret: Check = ({ config }) => {
  const secret = config.auth.jwt.secret;
  if (secret === undefined || VAULT_REF.test(secret)) return [];
  const path = 'auth.jwt.secret';
  if (isPlaceholderSecret(secret)) {
    const message = `is a published placeholder: ${HOW_TO_GENERATE_SECRET}`;
    return [{ rule: 'jwt_secret_weak', path, message }];
  }
  const bits = Buffer.byteLength(secret, 'utf8') * 8;
  if (bits >= MIN_SECRET_BYTES * 8) return [];
  const message = `has ${bits} bits; at least ${MIN_SECRET_BYTES * 8} are needed: ${HOW_TO_GENERATE_SECRET}`;
  return [{ rule: 'jwt_secret_weak', path, message }];
};

function hasPassword(url: string | undefined): boolean {
  return url !== undefined && redactUrl(url) !== url;
}

/** Paths of secrets (and URLs with passwords) present in the config. */
function secretPaths({ config }: LoadedConfig): string[] {
  const paths: string[] = [];
  if (config.auth.jwt.secret) paths.push('auth.jwt.secret');
  config.security.encryption.keys.forEach((entry, i) => {
    if (entry.key && !VAULT_REF.test(entry.key)) {
      paths.push(`security.encryption.keys[${i}].key`);
    }
  });
  if (hasPassword(config.database.url)) paths.push('database.url');
  if (hasPassword(config.ratelimit.redis_url))
    paths.push('ratelimit.redis_url');
  return paths;
}

const literalSecrets: Check = (loaded) =>
  secretPaths(loaded)
    .filter((p) => !loaded.interpolated.has(p) && !loaded.overridden.has(p))
    .map((path) => ({
      rule: 'literal_secret',
      path,
      message: `is written in ${loaded.file ?? 'the configuration'}: use \${VAR} and keep the value in the environment`,
    }));

const rateLimiting: Check = ({ config }) => {
  const { enabled, backend, global_rate_limit } = config.ratelimit;
  if (!enabled) {
    const message = 'rate limiting is off: set ratelimit.enabled: true';
    return [{ rule: 'ratelimit_disabled', path: 'ratelimit.enabled', message }];
  }
  if (backend === 'memory' && global_rate_limit) {
    const message =
      'the memory backend cannot enforce a global limit across instances: use backend: redis or postgres';
    return [
      { rule: 'memory_backend_global', path: 'ratelimit.backend', message },
    ];
  }
  return [];
};

const hsts: Check = ({ config }) => {
  const headers = config.server.security_headers;
  const name = Object.keys(headers).find(
    (k) => k.toLowerCase() === 'strict-transport-security',
  );
  if (name === undefined || headers[name] !== false) return [];
  const path = `server.security_headers.${name}`;
  const message =
    'HSTS is turned off: remove this override so browsers keep to HTTPS';
  return [{ rule: 'hsts_disabled', path, message }];
};

const CHECKS: readonly Check[] = [
  jwtSecret,
  literalSecrets,
  rateLimiting,
  hsts,
];

/**
 * The settings that are unsafe in production: a weak or placeholder JWT
 * secret, secrets written literally in the file, rate limiting off, a
 * memory backend asked for a global limit, HSTS turned off.
 *
 * @example
 * for (const f of environmentFindings(loaded)) console.warn(f.path, f.message);
 */
export function environmentFindings(
  loaded: LoadedConfig,
): EnvironmentFinding[] {
  return CHECKS.flatMap((check) => check(loaded));
}

/**
 * In production, throws a `ConfigError` listing every finding; elsewhere
 * hands each finding to `warn` as one line.
 */
export function enforceEnvironment(
  loaded: LoadedConfig,
  warn: (line: string) => void,
): void {
  const findings = environmentFindings(loaded);
  if (findings.length === 0) return;
  if (loaded.environment === 'production') {
    const problems = findings.map(({ path, message }) => ({
      path,
      where: 'FLUXBASE_ENV=production',
      message,
    }));
    throw new ConfigError(problems, loaded.file);
  }
  for (const { path, message } of findings) {
    warn(`warning: ${path} ${message} (an error with FLUXBASE_ENV=production)`);
  }
}
