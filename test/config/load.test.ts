import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load.ts';

function file(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-load-'));
  writeFileSync(join(dir, 'fluxbase.yaml'), yaml);
  return join(dir, 'fluxbase.yaml');
}

describe('loadConfig', () => {
  it('gives the defaults when there is no file', () => {
    const loaded = loadConfig({ cwd: tmpdir(), env: {} });
    expect(loaded.file).toBeUndefined();
    expect(loaded.environment).toBe('development');
    expect(loaded.logLevel).toBe('info');
    expect(loaded.config.ratelimit.limits).toEqual({
      anonymous: 100,
      authenticated: 1000,
      service_role: 10000,
    });
    expect(loaded.config.auth.jwt).toEqual({
      expiry: '1h',
      refresh_expiry: '720h',
    });
  });

  it('interpolates ${VAR}, ${VAR:-default} and $$, and records where', () => {
    const loaded = loadConfig({
      file: file(
        'database:\n  url: postgres://app:${PW}@db/${DB:-app}\nserver:\n  public_url: https://x.example/$$/y\n',
      ),
      env: { PW: 'hunter2' },
    });
    expect(loaded.config.database.url).toBe('postgres://app:hunter2@db/app');
    expect(loaded.config.server.public_url).toBe('https://x.example/$/y');
    expect([...loaded.interpolated]).toEqual(['database.url']);
  });

  it('lets FLUXBASE_ variables override the file and records which', () => {
    const loaded = loadConfig({
      file: file('auth:\n  jwt:\n    expiry: 2h\n'),
      env: {
        FLUXBASE_AUTH_JWT_EXPIRY: '15m',
        FLUXBASE_DATABASE_POOL_SIZE: '3',
      },
    });
    expect(loaded.config.auth.jwt.expiry).toBe('15m');
    expect(loaded.config.database.pool_size).toBe(3);
    expect(Object.fromEntries(loaded.overridden)).toEqual({
      'auth.jwt.expiry': 'FLUXBASE_AUTH_JWT_EXPIRY',
      'database.pool_size': 'FLUXBASE_DATABASE_POOL_SIZE',
    });
  });

  it('names the variable when an override has the wrong type', () => {
    expect(() =>
      loadConfig({
        cwd: tmpdir(),
        env: { FLUXBASE_DATABASE_POOL_SIZE: 'many' },
      }),
    ).toThrow(
      'invalid configuration (1 problem):\n  database.pool_size (FLUXBASE_DATABASE_POOL_SIZE): must be a number (got a string)',
    );
  });

  it('refuses limits that a backend could not count exactly, with the line', () => {
    const path = file(
      'ratelimit:\n  window: 52w\n  limits:\n    anonymous: 2000000000\n    authenticated: 3000000000\n',
    );
    expect(() => loadConfig({ file: path, env: {} })).toThrow(
      `invalid configuration in ${path} (2 problems):\n` +
        '  ratelimit.limits.anonymous (line 4): 2000000000 per 31449600000 ms is too many to count exactly: the limit times the window in milliseconds must be at most 9007199254740991; use a smaller limit or a shorter window\n' +
        '  ratelimit.limits.authenticated (line 5): must be at most 2147483647 (got 3000000000)',
    );
  });
});
