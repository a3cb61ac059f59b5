import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli } from '../support/cli.ts';

const STRONG = 'k'.repeat(48);
const SAFE = `ratelimit:\n  backend: postgres\n`;

/** Each production rule: a configuration that breaks it, and the finding. */
const RULES = [
  {
    rule: 'a JWT secret under 256 bits',
    yaml: `auth:\n  jwt:\n    secret: \${JWT}\n${SAFE}`,
    env: { JWT: 'short-secret' },
    finding:
      'auth.jwt.secret: has 96 bits; at least 256 are needed: generate one with `openssl rand -base64 32` and set auth.jwt.secret (or FLUXBASE_AUTH_JWT_SECRET)',
  },
  {
    rule: "the guide's placeholder secret",
    yaml: `auth:\n  jwt:\n    secret: \${JWT}\n${SAFE}`,
    env: { JWT: 'dev-secret-key' },
    finding:
      'auth.jwt.secret: is a published placeholder: generate one with `openssl rand -base64 32` and set auth.jwt.secret (or FLUXBASE_AUTH_JWT_SECRET)',
  },
  {
    rule: 'a secret written in the file',
    yaml: `auth:\n  jwt:\n    secret: ${STRONG}\n${SAFE}`,
    env: {},
    finding:
      'auth.jwt.secret: is written in fluxbase.yaml: use ${VAR} and keep the value in the environment',
  },
  {
    rule: 'a key written in the file',
    yaml: `security:\n  encryption:\n    keys:\n      - version: 1\n        key: ${'c'.repeat(64)}\n${SAFE}`,
    env: {},
    finding:
      'security.encryption.keys[0].key: is written in fluxbase.yaml: use ${VAR} and keep the value in the environment',
  },
  {
    rule: 'rate limiting off',
    yaml: 'ratelimit:\n  enabled: false\n',
    env: {},
    finding:
      'ratelimit.enabled: rate limiting is off: set ratelimit.enabled: true',
  },
  {
    rule: 'a memory backend with a global limit',
    yaml: 'ratelimit:\n  backend: memory\n  global_rate_limit: true\n',
    env: {},
    finding:
      'ratelimit.backend: the memory backend cannot enforce a global limit across instances: use backend: redis or postgres',
  },
  {
    rule: 'HSTS turned off',
    yaml: `server:\n  security_headers:\n    Strict-Transport-Security: false\n${SAFE}`,
    env: {},
    finding:
      'server.security_headers.Strict-Transport-Security: HSTS is turned off: remove this override so browsers keep to HTTPS',
  },
];

function folderWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-env-'));
  writeFileSync(join(dir, 'fluxbase.yaml'), yaml);
  return dir;
}

function split(finding: string): [string, string] {
  const at = finding.indexOf(': ');
  return [finding.slice(0, at), finding.slice(at + 2)];
}

describe('production rules', () => {
  it.concurrent.each(RULES)(
    'refuse $rule in production with exit 2',
    async (r) => {
      const result = await runCli(['config', 'check'], {
        cwd: folderWith(r.yaml),
        env: { ...r.env, FLUXBASE_ENV: 'production' },
      });
      const [path, message] = split(r.finding);
      expect(result.stderr).toBe(
        `error: invalid configuration in fluxbase.yaml (1 problem):\n  ${path} (FLUXBASE_ENV=production): ${message}\n`,
      );
      expect(result.code).toBe(2);
    },
  );

  it.concurrent.each(RULES)(
    'warn about $rule in development and go on',
    async (r) => {
      const result = await runCli(['config', 'check'], {
        cwd: folderWith(r.yaml),
        env: { ...r.env, FLUXBASE_ENV: 'development' },
      });
      const [path, message] = split(r.finding);
      expect(result.stderr).toBe(
        `warning: ${path} ${message} (an error with FLUXBASE_ENV=production)\n`,
      );
      expect(result.stdout).toBe(
        'configuration is valid: fluxbase.yaml (development)\n',
      );
      expect(result.code).toBe(0);
    },
  );

  it('passes a production configuration that keeps every rule', async () => {
    const yaml = `auth:\n  jwt:\n    secret: \${JWT}\nratelimit:\n  backend: redis\n  redis_url: redis://127.0.0.1:6379\n  global_rate_limit: true\n`;
    const result = await runCli(['config', 'check'], {
      cwd: folderWith(yaml),
      env: { JWT: STRONG, FLUXBASE_ENV: 'production' },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'configuration is valid: fluxbase.yaml (production)\n',
    );
    expect(result.code).toBe(0);
  });

  it('hides warnings with FLUXBASE_LOG_LEVEL=error', async () => {
    const result = await runCli(['config', 'check'], {
      cwd: folderWith('ratelimit:\n  enabled: false\n'),
      env: { FLUXBASE_LOG_LEVEL: 'error' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
