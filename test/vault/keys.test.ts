import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/config/errors.ts';
import { resolveKeys } from '../../src/config/keys.ts';
import { loadConfig } from '../../src/config/load.ts';
import { KEY1, KEY2 } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'fluxbase-keys-'));

function load(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig({ file, env });
}

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(yaml, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map(
      (p) => `${p.path}${p.where ? ` (${p.where})` : ''}: ${p.message}`,
    );
  }
  return [];
}

const b64 = Buffer.from(KEY2, 'hex').toString('base64');

describe('security.encryption validation', () => {
  it('accepts 64 hex characters and base64 of 32 bytes', () => {
    const { config } = load(`
security:
  encryption:
    active_key_version: 2
    keys:
      - { version: 1, key: "${KEY1}" }
      - { version: 2, key: "${b64}" }
`);
    expect(config.security.encryption.keys.map((k) => k.version)).toEqual([
      1, 2,
    ]);
  });

  it('reports a key of the wrong length with its path and line', () => {
    expect(
      problems(`
security:
  encryption:
    keys:
      - version: 1
        key: "abcd1234"
`),
    ).toEqual([
      'security.encryption.keys[0].key (line 6): must be 64 hex characters or base64 of 32 bytes',
    ]);
  });

  it('reports 64 characters that are not hex', () => {
    expect(
      problems(`
security:
  encryption:
    keys:
      - version: 1
        key: "${'zz'.repeat(32)}"
`),
    ).toEqual([
      'security.encryption.keys[0].key (line 6): must be 64 hex characters or base64 of 32 bytes',
    ]);
  });

  it('reports a duplicate version', () => {
    expect(
      problems(`
security:
  encryption:
    keys:
      - version: 1
        key: "${KEY1}"
      - version: 1
        key: "${KEY2}"
`),
    ).toEqual([
      'security.encryption.keys[1].version (line 7): duplicate key version 1 (also at keys[0])',
    ]);
  });

  it('reports the same key under two versions, however it is written', () => {
    expect(
      problems(`
security:
  encryption:
    keys:
      - version: 1
        key: "${KEY2}"
      - version: 2
        key: "${b64}"
`),
    ).toEqual([
      'security.encryption.keys[1].key (line 8): the same key is configured as version 1 too: every version needs its own key',
    ]);
  });

  it('reports an active version without a key', () => {
    expect(
      problems(`
security:
  encryption:
    active_key_version: 3
    keys:
      - version: 1
        key: "${KEY1}"
`),
    ).toEqual([
      'security.encryption.active_key_version (line 4): active key version 3 has no entry in security.encryption.keys',
    ]);
  });

  it('reports provider aws_kms without a key id, and key material beside it', () => {
    expect(
      problems(`
security:
  encryption:
    provider: aws_kms
    keys:
      - version: 1
        key: "${KEY1}"
`),
    ).toEqual([
      'security.encryption.kms_key_id (line 3): required when provider is aws_kms',
      'security.encryption.keys[0].key (line 7): with provider aws_kms the keys are KMS data keys kept wrapped in vault.keys: remove this key',
    ]);
  });
});

describe('key sources', () => {
  const none = load('').config.security.encryption;

  it('reads a variable reference in the file', async () => {
    const { config } = load(
      `
security:
  encryption:
    keys:
      - { version: 1, key: "\${MY_KEY}" }
`,
      { MY_KEY: KEY1 },
    );
    const keys = await resolveKeys(config.security.encryption, { env: {} });
    expect(keys.active).toBe(1);
    expect(keys.keys.get(1)?.toString('hex')).toBe(KEY1);
    expect(keys.sources.get(1)).toBe('security.encryption.keys[0].key');
  });

  it('reads FLUXBASE_SECRET_KEY_<N> for version N; the highest is active', async () => {
    const keys = await resolveKeys(none, {
      env: { FLUXBASE_SECRET_KEY_1: KEY1, FLUXBASE_SECRET_KEY_2: b64 },
    });
    expect(keys.active).toBe(2);
    expect([...keys.keys].map(([v, k]) => [v, k.toString('hex')])).toEqual([
      [1, KEY1],
      [2, KEY2],
    ]);
  });

  it.each(['SECRET_KEY', 'FLUXBASE_SECRET_KEY'])(
    'reads a single %s as version 1',
    async (name) => {
      const keys = await resolveKeys(none, { env: { [name]: KEY1 } });
      expect(keys.active).toBe(1);
      expect(keys.sources.get(1)).toBe(name);
    },
  );

  it('refuses a key in the environment that is not a key', async () => {
    await expect(
      resolveKeys(none, { env: { FLUXBASE_SECRET_KEY_2: 'short' } }),
    ).rejects.toThrow(
      'invalid configuration (1 problem):\n  FLUXBASE_SECRET_KEY_2: must be 64 hex characters or base64 of 32 bytes',
    );
  });

  it('refuses two different keys for one version', async () => {
    const { config } = load(`
security:
  encryption:
    keys:
      - { version: 1, key: "${KEY1}" }
`);
    await expect(
      resolveKeys(config.security.encryption, {
        env: { FLUXBASE_SECRET_KEY_1: KEY2 },
      }),
    ).rejects.toThrow(
      'FLUXBASE_SECRET_KEY_1: key version 1 is also given by security.encryption.keys[0].key, with a different key: keep one',
    );
  });

  it('refuses the same key under two versions across sources', async () => {
    await expect(
      resolveKeys(none, {
        env: { FLUXBASE_SECRET_KEY_1: KEY1, FLUXBASE_SECRET_KEY_2: KEY1 },
      }),
    ).rejects.toThrow(
      'FLUXBASE_SECRET_KEY_2: the same key is configured as version 1 too: every version needs its own key',
    );
  });

  it('refuses an active version that no source gives a key for', async () => {
    const { config } = load(`
security:
  encryption:
    active_key_version: 2
    keys:
      - { version: 1, key: "${KEY1}" }
      - { version: 2 }
`);
    await expect(
      resolveKeys(config.security.encryption, { env: {} }),
    ).rejects.toThrow(
      'security.encryption.active_key_version: active key version 2 has no key: set it in security.encryption.keys or FLUXBASE_SECRET_KEY_2',
    );
  });
});
