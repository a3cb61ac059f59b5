import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rotationSummary } from '../../src/cli/progress.ts';
import { reEncrypt } from '../../src/vault/rotation.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { sampleSecrets, vaultWith } from './support.ts';

/** The summary with the run's seconds pinned, so that lines are exact. */
function lines(result: Awaited<ReturnType<typeof reEncrypt>>): string[] {
  return rotationSummary({ ...result, seconds: 0.3 });
}

describe('the re-encryption summary', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase();
    await vaultWith(t.db, [1]).import(sampleSecrets(3));
  });
  afterAll(() => t.drop());

  it('does not claim completion for an interrupted run', async () => {
    const stopped = new AbortController();
    stopped.abort();
    const result = await reEncrypt(vaultWith(t.db, [1, 2]), {
      fromVersion: 1,
      toVersion: 2,
      signal: stopped.signal,
    });
    expect(lines(result)).toEqual([
      '✓ Scanned 3 secrets',
      '✓ Re-encrypted 0 secrets (already using new key: 0)',
      '✓ Updated 0 secrets in database',
      '✗ Interrupted with 3 secrets still at key version 1: run the same command again to continue',
      '✗ Stopped after 0.3s; run the same command again to continue',
    ]);
  });

  it('does not claim completion when a secret was left behind', async () => {
    await t.db.query(
      `update vault.secrets
       set ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)
       where name = 's00001'`,
    );
    const result = await reEncrypt(vaultWith(t.db, [1, 2]), {
      fromVersion: 1,
      toVersion: 2,
    });
    expect(lines(result)).toEqual([
      '✓ Scanned 3 secrets',
      '✓ Re-encrypted 2 secrets (already using new key: 0)',
      '✓ Updated 2 secrets in database',
      '✗ 1 secrets did not decrypt with key version 1 and were left as they are:',
      '    s00001',
      '✗ Finished in 0.3s with 1 secrets left at key version 1',
    ]);
  });

  it('says completed once nothing is left', async () => {
    await t.db.query(`delete from vault.secrets where name = 's00001'`);
    const result = await reEncrypt(vaultWith(t.db, [1, 2]), {
      fromVersion: 1,
      toVersion: 2,
    });
    expect(lines(result)).toEqual([
      '✓ Scanned 2 secrets',
      '✓ Re-encrypted 0 secrets (already using new key: 2)',
      '✓ Updated 0 secrets in database',
      '✓ Completed in 0.3s',
    ]);
  });
});
