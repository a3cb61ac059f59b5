import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const STRONG = 's'.repeat(48);
const KEY = 'd'.repeat(64);

function folderWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-audit-'));
  writeFileSync(join(dir, 'fluxbase.yaml'), yaml);
  return dir;
}

async function audit(t: TestDatabase, yaml: string, env: NodeJS.ProcessEnv) {
  if (t.kind === 'embedded') await t.db.close();
  return runCli(['audit', '--database-url', t.url], {
    cwd: folderWith(yaml),
    env,
  });
}

const GOOD = `auth:
  jwt:
    secret: \${JWT}
security:
  encryption:
    active_key_version: 1
    keys:
      - version: 1
        key: \${KEY1}
ratelimit:
  backend: redis
  redis_url: redis://127.0.0.1:6379
server:
  public_url: https://api.example.com
`;

const BAD = `auth:
  jwt:
    secret: short-and-literal
ratelimit:
  backend: memory
server:
  public_url: http://api.example.com
  security_headers:
    Strict-Transport-Security: false
`;

describe('fluxbase-cli audit', () => {
  let t: TestDatabase;
  afterEach(() => t?.drop());

  it('passes every item on a good setup, exit 0', async () => {
    t = await freshDatabase({ onDisk: true });
    const result = await audit(t, GOOD, { JWT: STRONG, KEY1: KEY });
    expect(result.stdout).toBe(
      [
        '✓ Row Level Security on every user table',
        '✓ JWT secret of at least 256 bits, not a placeholder',
        '✓ Rate limiting on, with a backend shared by every instance',
        '✓ Security headers configured',
        '✓ Secrets and keys come from the environment',
        '✓ HTTPS public URL',
        '✓ Encryption keys rotated (active key at most 90 days old, no secret on a retired key)',
        '✓ Expired revocations purged',
        '',
        '8 of 8 checks pass',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
  });

  it('fails each item of a bad setup with its fix, exit 1', async () => {
    t = await freshDatabase({ onDisk: true });
    await t.db.exec(`
      create table public.orders (id int primary key, user_id uuid);
      grant select on public.orders to anon;
      insert into vault.keys (version, fingerprint, state, created_at)
        values (1, repeat('a', 64), 'active', now() - interval '120 days'),
               (2, repeat('b', 64), 'compromised', now());
      insert into vault.secrets (id, name, ciphertext, nonce, key_version)
        values (gen_random_uuid(), 'left_behind', decode(repeat('00', 32), 'hex'),
                decode(repeat('00', 12), 'hex'), 2);
      insert into auth.revocations (scope, subject, expires_at)
        values ('token', 'old-jti', now() - interval '1 day');
    `);
    const result = await audit(t, BAD, {});
    expect(result.stdout).toBe(
      [
        '✗ Row Level Security on every user table: 1 without working RLS: public.orders. Fix: run fluxbase-cli lint for each fix, e.g. alter table public.orders enable row level security;',
        '✗ JWT secret of at least 256 bits, not a placeholder: auth.jwt.secret has 136 bits; at least 256 are needed. Fix: generate one with openssl rand -base64 32 and set it through ${JWT_SECRET}',
        '✗ Rate limiting on, with a backend shared by every instance: ratelimit.backend is memory (each instance counts alone). Fix: set ratelimit.backend: redis (or postgres)',
        '✗ Security headers configured: turned off: Strict-Transport-Security. Fix: remove the false overrides from server.security_headers',
        '✗ Secrets and keys come from the environment: auth.jwt.secret is written in fluxbase.yaml. Fix: replace each literal value with ${VAR} and set VAR in the environment',
        '✗ HTTPS public URL: server.public_url is http://api.example.com. Fix: set server.public_url to your https:// address',
        '✗ Encryption keys rotated (active key at most 90 days old, no secret on a retired key): active key version 1 is older than 90 days; 1 secrets are on a retired or compromised key. Fix: add a key version, then fluxbase-cli secrets re-encrypt --from-version OLD --to-version NEW',
        '✗ Expired revocations purged: 1 revocations have expired. Fix: run fluxbase-cli auth purge (e.g. daily from cron)',
        '',
        '0 of 8 checks pass',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(1);
  });
});
