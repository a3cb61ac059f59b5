import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/shared.ts';
import { audit } from '../../src/vault/audit.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { KEY1, runCli, sampleSecrets, vaultWith } from './support.ts';

/** Flips a bit of one secret and gives another the ciphertext of a third. */
async function tamper(db: Database): Promise<void> {
  await db.query(
    `update vault.secrets
     set ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)
     where name = 's00001'`,
  );
  await db.query(
    `update vault.secrets set ciphertext = v.ciphertext, nonce = v.nonce
     from vault.secrets v
     where vault.secrets.name = 's00003' and v.name = 's00000'`,
  );
}

describe('audit with decrypt', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
    await vaultWith(t.db, [1]).import(sampleSecrets(1500));
  });
  afterAll(() => t.drop());

  it('checks every secret and finds none failing', async () => {
    const result = await audit(vaultWith(t.db, [1]), { decrypt: true });
    expect(result.decrypted).toEqual({ checked: 1500, failed: 0 });
    expect(result.clean).toBe(true);
  });

  it('reports the secrets that do not decrypt', async () => {
    await tamper(t.db);
    const vault = vaultWith(t.db, [1]);
    expect((await audit(vault)).clean).toBe(true);
    const result = await audit(vault, { decrypt: true, verbose: true });
    expect(result.decrypted).toEqual({
      checked: 1500,
      failed: 2,
      names: ['s00001', 's00003'],
    });
    expect(result.clean).toBe(false);
  });
});

describe('fluxbase-cli secrets audit --decrypt', () => {
  const env = { FLUXBASE_SECRET_KEY_1: KEY1 };
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase({ onDisk: true });
    await vaultWith(t.db, [1]).import(sampleSecrets(4));
    // An embedded database on disk is opened by one process at a time.
    if (t.kind === 'embedded') await t.db.close();
  });
  afterAll(() => t.drop());

  function cli(args: string[]) {
    return runCli(['secrets', 'audit', ...args, '--database-url', t.url], {
      env,
    });
  }

  const header = [
    'Secrets per key version:',
    '  version 1: 4 secrets (active, configured as active)',
    '✓ Every secret is encrypted with the active key version',
  ];

  it('says that ciphertexts were not checked without --decrypt', async () => {
    expect(await cli([])).toEqual({
      code: 0,
      stdout: [...header, '(ciphertexts not checked: use --decrypt)', ''].join(
        '\n',
      ),
      stderr: '',
    });
  });

  it('exits 0 when every secret decrypts', async () => {
    expect(await cli(['--decrypt'])).toEqual({
      code: 0,
      stdout: [
        ...header,
        '✓ Every secret with a configured key decrypts (4 checked)',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('exits 1 and names the secrets that do not decrypt', async () => {
    const db = await t.open();
    await tamper(db);
    await db.close();
    expect(await cli(['--decrypt', '--verbose'])).toEqual({
      code: 1,
      stdout: [
        ...header,
        '✗ 2 of 4 secrets do not decrypt with their configured key',
        '    s00001',
        '    s00003',
        '',
      ].join('\n'),
      stderr: '',
    });
  });
});
