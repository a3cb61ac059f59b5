import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KeySourceError } from '../../src/config/errors.ts';
import { resolveKeys } from '../../src/config/keys.ts';
import {
  configSchema,
  type EncryptionConfig,
} from '../../src/config/schema.ts';
import { reEncrypt } from '../../src/vault/rotation.ts';
import { openVault } from '../../src/vault/store.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { type StandIn, startKms, startVaultKv } from './standins.ts';
import { KEY1, KEY2, runCli } from './support.ts';

function encryption(raw: Record<string, unknown>): EncryptionConfig {
  return configSchema.parse({ security: { encryption: raw } }).security
    .encryption;
}

describe('keys from HashiCorp Vault (KV v2)', () => {
  let kv: StandIn;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    kv = await startVaultKv('s.test-token', {
      'secret/fluxbase/keys': { key: KEY1, v2: KEY2 },
    });
    env = { VAULT_ADDR: kv.url, VAULT_TOKEN: 's.test-token' };
  });
  afterAll(() => kv.close());

  it('reads each referenced field with one GET to /v1/<mount>/data/<path>', async () => {
    const config = encryption({
      keys: [
        { version: 1, key: '{{ vault `secret/fluxbase/keys` }}' },
        { version: 2, key: '{{ vault `secret/fluxbase/keys#v2` }}' },
      ],
    });
    kv.calls.length = 0;
    const keys = await resolveKeys(config, { env });
    expect(keys.keys.get(1)?.toString('hex')).toBe(KEY1);
    expect(keys.keys.get(2)?.toString('hex')).toBe(KEY2);
    expect(keys.active).toBe(2);
    expect(kv.calls).toEqual([
      'GET /v1/secret/data/fluxbase/keys',
      'GET /v1/secret/data/fluxbase/keys',
    ]);
  });

  it('says permission denied for a wrong token, without printing it', async () => {
    const config = encryption({
      keys: [{ version: 1, key: '{{ vault `secret/fluxbase/keys` }}' }],
    });
    const attempt = resolveKeys(config, {
      env: { ...env, VAULT_TOKEN: 's.wrong' },
    });
    await expect(attempt).rejects.toThrowError(
      new KeySourceError(
        'HashiCorp Vault refused to read secret/fluxbase/keys: permission denied (check VAULT_TOKEN and its policy)',
      ),
    );
  });

  it('says which secret is missing', async () => {
    const config = encryption({
      keys: [{ version: 1, key: '{{ vault `secret/nothing` }}' }],
    });
    await expect(resolveKeys(config, { env })).rejects.toThrow(
      'HashiCorp Vault refused to read secret/nothing: no such secret (check the mount and path)',
    );
  });

  it('asks for VAULT_ADDR when it is not set', async () => {
    const config = encryption({
      keys: [{ version: 1, key: '{{ vault `secret/fluxbase/keys` }}' }],
    });
    await expect(
      resolveKeys(config, { env: { VAULT_TOKEN: 'x' } }),
    ).rejects.toThrow(
      'a key is read from HashiCorp Vault but VAULT_ADDR is not set: set VAULT_ADDR and VAULT_TOKEN',
    );
  });
});

describe('keys as AWS KMS data keys (envelope encryption)', () => {
  const creds = {
    accessKeyId: 'AKIDTESTSTANDIN',
    secretAccessKey: 'stand-in-secret-access-key',
    region: 'eu-west-1',
    keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  };
  let kms: StandIn;
  let t: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const config = (active?: number) =>
    encryption({
      provider: 'aws_kms',
      kms_key_id: creds.keyId,
      kms_region: creds.region,
      kms_endpoint: kms.url,
      ...(active ? { active_key_version: active } : {}),
    });

  beforeAll(async () => {
    kms = await startKms(creds);
    t = await freshDatabase();
    env = {
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    };
  });
  afterAll(async () => {
    await kms.close();
    await t.drop();
  });

  it('generates a data key on first use and stores it only wrapped', async () => {
    kms.calls.length = 0;
    const vault = await openVault({ db: t.db, config: config(), env });
    await vault.put('api_token', 'tok_123');
    expect(kms.calls).toEqual(['TrentService.GenerateDataKey']);
    const { rows } = await t.db.query<{
      version: number;
      wrapped: number;
      kms_key_id: string;
    }>(
      `select version, octet_length(wrapped_key) as wrapped, kms_key_id
       from vault.keys`,
    );
    expect(rows).toEqual([
      { version: 1, wrapped: 60, kms_key_id: creds.keyId },
    ]);
  });

  it('unwraps each stored data key once at start with Decrypt', async () => {
    kms.calls.length = 0;
    const vault = await openVault({ db: t.db, config: config(), env });
    expect(await vault.get('api_token')).toBe('tok_123');
    expect(await vault.get('api_token')).toBe('tok_123');
    expect(kms.calls).toEqual(['TrentService.Decrypt']);
  });

  it('rotates to a new data key version and re-encrypts', async () => {
    kms.calls.length = 0;
    const vault = await openVault({ db: t.db, config: config(2), env });
    const result = await reEncrypt(vault, { fromVersion: 1, toVersion: 2 });
    expect(result.remaining).toBe(0);
    expect(kms.calls).toEqual([
      'TrentService.Decrypt',
      'TrentService.GenerateDataKey',
    ]);
    const again = await openVault({ db: t.db, config: config(2), env });
    expect(await again.get('api_token')).toBe('tok_123');
  });

  it('reports a request the stand-in cannot verify (wrong secret key)', async () => {
    const attempt = openVault({
      db: t.db,
      config: config(2),
      env: { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' },
    });
    await expect(attempt).rejects.toThrow(
      `AWS KMS Decrypt with key ${creds.keyId} failed: InvalidSignatureException: signature mismatch`,
    );
  });
});

describe('the CLI with a key in HashiCorp Vault', () => {
  let kv: StandIn;
  let t: TestDatabase;
  let config: string;
  beforeAll(async () => {
    kv = await startVaultKv('s.cli-token', {
      'secret/fluxbase': { key: KEY2 },
    });
    t = await freshDatabase({ onDisk: true });
    if (t.kind === 'embedded') await t.db.close();
    config = join(mkdtempSync(join(tmpdir(), 'fluxbase-kv-')), 'f.yaml');
    writeFileSync(
      config,
      [
        'security:',
        '  encryption:',
        '    keys:',
        '      - version: 1',
        '        key: "{{ vault `secret/fluxbase` }}"',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await kv.close();
    await t.drop();
  });

  it('reads the key from fluxbase.yaml through VAULT_ADDR and VAULT_TOKEN', async () => {
    const env = { VAULT_ADDR: kv.url, VAULT_TOKEN: 's.cli-token' };
    const args = ['--config', config, '--database-url', t.url];
    const put = await runCli(['secrets', 'put', 'k', ...args], {
      env,
      input: 'from-vault',
    });
    expect(put.code).toBe(0);
    const get = await runCli(['secrets', 'get', 'k', ...args], { env });
    expect(get).toEqual({ code: 0, stdout: 'from-vault', stderr: '' });
    expect(kv.calls).toEqual([
      'GET /v1/secret/data/fluxbase',
      'GET /v1/secret/data/fluxbase',
    ]);
    const refused = await runCli(['secrets', 'get', 'k', ...args], {
      env: { ...env, VAULT_TOKEN: 's.other' },
    });
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: HashiCorp Vault refused to read secret/fluxbase: permission denied (check VAULT_TOKEN and its policy)\n',
    });
  });
});
