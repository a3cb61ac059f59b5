import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SecretNameError } from '../../src/vault/errors.ts';
import { MAX_NAME_LENGTH, nameProblem } from '../../src/vault/names.ts';
import type { Vault } from '../../src/vault/store.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { vaultWith } from './support.ts';

const RULE =
  'a name is 1 to 255 characters, without control characters and without leading or trailing whitespace';

describe('secret names', () => {
  it('accepts ordinary names up to the longest allowed', () => {
    const longest = 'n'.repeat(MAX_NAME_LENGTH);
    for (const name of ['stripe_key', 'a b', 'clé/prod', longest]) {
      expect(nameProblem(name)).toBeUndefined();
    }
  });

  it('says what is wrong with a bad name', () => {
    expect(
      ['', ' ', 'x ', '\tx', 'a\nb', 'a\u0000b', 'n'.repeat(256)].map(
        nameProblem,
      ),
    ).toEqual([
      'it is empty',
      'it starts or ends with whitespace',
      'it starts or ends with whitespace',
      'it starts or ends with whitespace',
      'it contains a control character',
      'it contains a control character',
      'it is longer than 255 characters',
    ]);
  });
});

describe('the vault with a bad secret name', () => {
  let t: TestDatabase;
  let vault: Vault;

  beforeAll(async () => {
    t = await freshDatabase();
    vault = vaultWith(t.db, [1]);
  });
  afterAll(() => t.drop());

  async function count(): Promise<number> {
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from vault.secrets',
    );
    return rows[0]!.n;
  }

  it('refuses an empty or blank name before writing anything', async () => {
    await expect(vault.put('', 'x')).rejects.toThrowError(
      new SecretNameError([['', 'it is empty']], RULE),
    );
    await expect(vault.put(' ', 'x')).rejects.toThrow(
      `invalid secret name " " (it starts or ends with whitespace): ${RULE}`,
    );
    expect(await count()).toBe(0);
  });

  it('stores nothing of an import with any bad name', async () => {
    const error = await vault
      .import({ good: '1', '': '2', 'a\nb': '3' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretNameError);
    expect((error as Error).message).toBe(
      `invalid secret names "" (it is empty), "a\\nb" (it contains a control character): ${RULE}`,
    );
    expect(await count()).toBe(0);
  });
});
