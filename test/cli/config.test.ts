import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli } from '../support/cli.ts';

const KEY_A = 'a'.repeat(64);

/** Malformed files, each with the exact error the CLI must print. */
const CASES: Array<{
  name: string;
  yaml: string;
  env?: NodeJS.ProcessEnv;
  problems: string[];
}> = [
  {
    name: 'an unknown top-level section',
    yaml: 'databse:\n  url: postgres://x@localhost/db\n',
    problems: ['databse (line 1): unknown key'],
  },
  {
    name: 'an unknown key inside a section',
    yaml: 'ratelimit:\n  enabled: true\n  backnd: redis\n',
    problems: ['ratelimit.backnd (line 3): unknown key'],
  },
  {
    name: 'a key of 63 hex characters',
    yaml: `security:\n  encryption:\n    keys:\n      - version: 1\n        key: ${'a'.repeat(63)}\n`,
    problems: [
      'security.encryption.keys[0].key (line 5): must be 64 hex characters or base64 of 32 bytes',
    ],
  },
  {
    name: 'a key that is not hex',
    yaml: `security:\n  encryption:\n    keys:\n      - version: 1\n        key: ${'g'.repeat(64)}\n`,
    problems: [
      'security.encryption.keys[0].key (line 5): must be 64 hex characters or base64 of 32 bytes',
    ],
  },
  {
    name: 'two keys with the same version',
    yaml: `security:\n  encryption:\n    keys:\n      - version: 1\n        key: ${KEY_A}\n      - version: 1\n        key: ${'b'.repeat(64)}\n`,
    problems: [
      'security.encryption.keys[1].version (line 6): duplicate key version 1 (also at keys[0])',
    ],
  },
  {
    name: 'the same key under two versions',
    yaml: `security:\n  encryption:\n    keys:\n      - version: 1\n        key: ${KEY_A}\n      - version: 2\n        key: ${KEY_A.toUpperCase()}\n`,
    problems: [
      'security.encryption.keys[1].key (line 7): the same key is configured as version 1 too: every version needs its own key',
    ],
  },
  {
    name: 'an active version without a key',
    yaml: `security:\n  encryption:\n    active_key_version: 2\n    keys:\n      - version: 1\n        key: ${KEY_A}\n`,
    problems: [
      'security.encryption.active_key_version (line 3): active key version 2 has no entry in security.encryption.keys',
    ],
  },
  {
    name: 'a duration that is not one',
    yaml: 'auth:\n  jwt:\n    expiry: one hour\n',
    problems: [
      'auth.jwt.expiry (line 3): must be a duration above zero, such as 30s, 1m, 1h or 90d',
    ],
  },
  {
    name: 'a value of the wrong type',
    yaml: 'ratelimit:\n  enabled: "yes"\n',
    problems: ['ratelimit.enabled (line 2): must be a boolean (got a string)'],
  },
  {
    name: 'a backend that does not exist',
    yaml: 'ratelimit:\n  backend: memcached\n',
    problems: [
      'ratelimit.backend (line 2): must be one of postgres, redis, memory',
    ],
  },
  {
    name: 'a variable that is not set',
    yaml: 'auth:\n  jwt:\n    secret: ${FLUXBASE_TEST_UNSET_SECRET}\n',
    problems: [
      'auth.jwt.secret (line 3): environment variable FLUXBASE_TEST_UNSET_SECRET is not set (set it, or write ${FLUXBASE_TEST_UNSET_SECRET:-default})',
    ],
  },
  {
    name: 'a zero window',
    yaml: 'ratelimit:\n  window: 0s\n',
    problems: [
      'ratelimit.window (line 2): must be a duration above zero, such as 30s, 1m, 1h or 90d',
    ],
  },
  {
    name: 'an unterminated variable',
    yaml: 'auth:\n  jwt:\n    secret: ${JWTS\n',
    problems: [
      'auth.jwt.secret (line 3): has an unterminated ${: write ${NAME} or ${NAME:-default} (or $$ for a literal $)',
    ],
  },
  {
    name: 'broken YAML',
    yaml: 'auth:\n  jwt: [secret\n',
    problems: [
      'line 3: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  },
  {
    name: 'a section that is a list',
    yaml: 'database:\n  - url\n',
    problems: ['database (line 1): must be a mapping (got a list)'],
  },
  {
    name: 'several problems at once, all listed',
    yaml: 'ratelimit:\n  window: soon\n  limits:\n    anonymous: -1\nserver:\n  public_url: not a url\n',
    problems: [
      'ratelimit.window (line 2): must be a duration above zero, such as 30s, 1m, 1h or 90d',
      'ratelimit.limits.anonymous (line 4): must be at least 0',
      'server.public_url (line 6): must be a URL',
    ],
  },
  {
    name: 'an unknown FLUXBASE_ variable',
    yaml: 'auth:\n  jwt:\n    expiry: 1h\n',
    env: { FLUXBASE_AUTH_JWT_SECRT: 'x' },
    problems: [
      'FLUXBASE_AUTH_JWT_SECRT: not a configuration key; see the README for the FLUXBASE_ variables',
    ],
  },
  {
    name: 'a bad FLUXBASE_ENV',
    yaml: '{}\n',
    env: { FLUXBASE_ENV: 'prod' },
    problems: [
      'FLUXBASE_ENV: must be one of development, staging, production (got "prod")',
    ],
  },
];

function configFile(yaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-config-'));
  const file = join(dir, 'fluxbase.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
}

describe('config check on malformed configuration', () => {
  it.concurrent.each(CASES)(
    'reports $name with its path and line, exit 2',
    async (c) => {
      const { dir } = configFile(c.yaml);
      const result = await runCli(['config', 'check'], {
        cwd: dir,
        env: c.env,
      });

      const count =
        c.problems.length === 1 ? '1 problem' : `${c.problems.length} problems`;
      expect(result.stderr).toBe(
        `error: invalid configuration in fluxbase.yaml (${count}):\n${c.problems.map((p) => `  ${p}\n`).join('')}`,
      );
      expect(result.stdout).toBe('');
      expect(result.code).toBe(2);
    },
  );

  it('names a --config file that does not exist', async () => {
    const result = await runCli(
      ['--config', 'missing.yaml', 'config', 'check'],
      {
        cwd: tmpdir(),
      },
    );
    expect(result.stderr).toBe(
      'error: invalid configuration in missing.yaml (1 problem):\n  file: configuration file missing.yaml not found\n',
    );
    expect(result.code).toBe(2);
  });
});

describe('config show', () => {
  it('hides secrets, keys and passwords', async () => {
    const { dir } = configFile(
      [
        'database:',
        '  url: postgres://app:hunter2@db.internal:5432/app',
        'auth:',
        '  jwt:',
        '    secret: ${FLUXBASE_TEST_JWT}',
        'security:',
        '  encryption:',
        '    keys:',
        '      - version: 1',
        `        key: ${KEY_A}`,
        '',
      ].join('\n'),
    );
    const result = await runCli(['config', 'show', '--json'], {
      cwd: dir,
      env: { FLUXBASE_TEST_JWT: 'a-very-long-secret-value-0123456789' },
    });
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout);
    expect(shown.database.url).toBe('postgres://app:***@db.internal:5432/app');
    expect(shown.auth.jwt.secret).toBe('***');
    expect(shown.security.encryption.keys).toEqual([
      { version: 1, key: '***' },
    ]);
    expect(result.stdout).not.toContain('hunter2');
    expect(result.stdout).not.toContain(KEY_A);
    expect(result.stdout).not.toContain('a-very-long-secret');
  });

  it('hides passwords in query parameters and in any URL, jwks_uri too', async () => {
    const { dir } = configFile(
      [
        'database:',
        '  url: postgres://app@db/app?password=QueryPw&sslmode=disable',
        'auth:',
        '  oidc:',
        '    issuers:',
        '      - issuer: https://id.example.com/',
        '        jwks_uri: https://user:JwksPw@id.example.com/jwks',
        '',
      ].join('\n'),
    );
    const result = await runCli(['config', 'show'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'url: postgres://app@db/app?password=***&sslmode=disable',
    );
    expect(result.stdout).toContain(
      'jwks_uri: https://user:***@id.example.com/jwks',
    );
    expect(result.stdout + result.stderr).not.toMatch(/QueryPw|JwksPw/);
    expect(result.stderr).toBe(
      'warning: database.url is written in fluxbase.yaml: use ${VAR} and keep the value in the environment (an error with FLUXBASE_ENV=production)\n',
    );
  });

  it('applies FLUXBASE_ overrides over the file', async () => {
    const { dir } = configFile('ratelimit:\n  limits:\n    anonymous: 5\n');
    const result = await runCli(['config', 'show', '--json'], {
      cwd: dir,
      env: {
        FLUXBASE_RATELIMIT_LIMITS_ANONYMOUS: '50',
        FLUXBASE_RATELIMIT_ENABLED: 'false',
        FLUXBASE_AUTH_JWT_REFRESH_EXPIRY: '24h',
      },
    });
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout);
    expect(shown.ratelimit.limits.anonymous).toBe(50);
    expect(shown.ratelimit.enabled).toBe(false);
    expect(shown.auth.jwt.refresh_expiry).toBe('24h');
  });
});
