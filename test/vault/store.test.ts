import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/shared.ts';
import { fingerprintOf } from '../../src/vault/cipher.ts';
import {
  DecryptionError,
  KeyMismatchError,
  SecretNotFoundError,
} from '../../src/vault/errors.ts';
import { Keyring } from '../../src/vault/keyring.ts';
import { openVault, Vault } from '../../src/vault/store.ts';
import {
  freshDatabase,
  freshEmbedded,
  type TestDatabase,
} from '../support/db.ts';
import { KEY1, KEY2, KEY3, sampleSecrets, vaultWith } from './support.ts';

const kinds = [
  ['the test database', () => freshDatabase()],
  ['the embedded database', () => freshEmbedded()],
] as const;

async function row(db: Database, name: string) {
  const { rows } = await db.query<{
    id: string;
    ciphertext: Uint8Array;
    nonce: Uint8Array;
    key_version: number;
  }>(
    'select id, ciphertext, nonce, key_version from vault.secrets where name = $1',
    [name],
  );
  return rows[0]!;
}

describe.each(kinds)('the vault on %s', (_label, fresh) => {
  let t: TestDatabase;
  let vault: Vault;

  beforeAll(async () => {
    t = await fresh();
    vault = vaultWith(t.db, [1]);
  });
  afterAll(() => t.drop());

  it('stores a text secret and gives it back', async () => {
    const info = await vault.put('stripe_key', 'sk_live_42', {
      description: 'payments',
    });
    expect(info).toMatchObject({
      name: 'stripe_key',
      description: 'payments',
      keyVersion: 1,
    });
    expect(await vault.get('stripe_key')).toBe('sk_live_42');
  });

  it('stores bytes and gives back bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await vault.put('blob', bytes);
    expect(await vault.get('blob')).toEqual(bytes);
  });

  it('keeps no plaintext in the database', async () => {
    await vault.put('plain_check', 'findme-in-the-table');
    const { rows } = await t.db.query<{ hit: boolean }>(
      `select bool_or(position(convert_to('findme', 'UTF8') in ciphertext) > 0
        or description like '%findme%') as hit from vault.secrets`,
    );
    expect(rows[0]!.hit).toBe(false);
  });

  it('replaces a value under the same id and keeps the description', async () => {
    const before = await row(t.db, 'stripe_key');
    await vault.put('stripe_key', 'sk_live_43');
    const after = await row(t.db, 'stripe_key');
    expect(after.id).toBe(before.id);
    expect(Buffer.from(after.nonce)).not.toEqual(Buffer.from(before.nonce));
    expect(await vault.get('stripe_key')).toBe('sk_live_43');
    const listed = (await vault.list()).find((s) => s.name === 'stripe_key');
    expect(listed?.description).toBe('payments');
  });

  it('lists names and versions without values', async () => {
    const names = (await vault.list()).map((s) => [s.name, s.keyVersion]);
    expect(names).toEqual([
      ['blob', 1],
      ['plain_check', 1],
      ['stripe_key', 1],
    ]);
    expect(JSON.stringify(await vault.list())).not.toContain('sk_live');
  });

  it('imports in batches, creating and updating', async () => {
    const entries = sampleSecrets(250);
    const first = await vault.import(entries, { batchSize: 40 });
    expect(first).toEqual({ created: 250, updated: 0 });
    const again = await vault.import(
      [
        ['s00001', 'changed'],
        ['fresh', 'new'],
      ],
      { batchSize: 40 },
    );
    expect(again).toEqual({ created: 1, updated: 1 });
    expect(await vault.get('s00001')).toBe('changed');
    expect(await vault.get('s00249')).toBe(entries[249]![1]);
    expect(await vault.get('fresh')).toBe('new');
  });

  it('deletes a secret and says when there was none', async () => {
    expect(await vault.delete('fresh')).toBe(true);
    expect(await vault.delete('fresh')).toBe(false);
    await expect(vault.get('fresh')).rejects.toThrowError(
      new SecretNotFoundError('fresh'),
    );
  });

  it('refuses a ciphertext moved to another row', async () => {
    await vault.put('victim', 'v-value');
    await vault.put('thief', 't-value');
    await t.db.query(
      `update vault.secrets set ciphertext = v.ciphertext, nonce = v.nonce
       from vault.secrets v
       where vault.secrets.name = 'thief' and v.name = 'victim'`,
    );
    await expect(vault.get('thief')).rejects.toThrowError(
      new DecryptionError('thief', 1),
    );
  });

  it('refuses a flipped bit in the stored ciphertext', async () => {
    await vault.put('flipped', 'some value');
    await t.db.query(
      `update vault.secrets
       set ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)
       where name = 'flipped'`,
    );
    await expect(vault.get('flipped')).rejects.toThrowError(
      new DecryptionError('flipped', 1),
    );
  });

  it('refuses a ciphertext relabelled with another key version', async () => {
    const both = vaultWith(t.db, [1, 2], 1);
    await both.ensureEncryptable(1);
    await t.db.query(
      `insert into vault.keys (version, fingerprint, state)
       values (2, $1, 'decrypt_only') on conflict do nothing`,
      [fingerprintOf(Buffer.from(KEY2, 'hex'))],
    );
    await both.put('relabelled', 'some value');
    await t.db.query(
      `update vault.secrets set key_version = 2 where name = 'relabelled'`,
    );
    await expect(both.get('relabelled')).rejects.toThrowError(
      new DecryptionError('relabelled', 2),
    );
  });

  it('refuses to read with a wrong key', async () => {
    const wrong = new Vault(
      t.db,
      new Keyring([[1, Buffer.from(KEY3, 'hex')]], 1),
    );
    await expect(wrong.get('stripe_key')).rejects.toThrowError(
      new KeyMismatchError(1),
    );
  });

  it('refuses a mismatched key before writing anything', async () => {
    const { rows: before } = await t.db.query(
      'select count(*)::int as n from vault.secrets',
    );
    const wrong = await openVault({
      db: t.db,
      keys: {
        active: 1,
        keys: new Map([[1, Buffer.from(KEY3, 'hex')]]),
        sources: new Map(),
        wrapper: undefined,
      },
      verify: false,
    });
    await expect(wrong.put('never', 'x')).rejects.toThrow(
      'key version 1 in the configuration is not the key that encrypted these secrets',
    );
    const { rows: after } = await t.db.query(
      'select count(*)::int as n from vault.secrets',
    );
    expect(after).toEqual(before);
  });

  it('records the fingerprint of a key version, never the key', async () => {
    const { rows } = await t.db.query<{ version: number; fingerprint: string }>(
      'select version, fingerprint from vault.keys order by version',
    );
    expect(rows).toEqual([
      { version: 1, fingerprint: fingerprintOf(Buffer.from(KEY1, 'hex')) },
      { version: 2, fingerprint: fingerprintOf(Buffer.from(KEY2, 'hex')) },
    ]);
    const dump = JSON.stringify(
      (await t.db.query('select * from vault.keys')).rows,
    );
    expect(dump).not.toContain(KEY1);
  });
});
