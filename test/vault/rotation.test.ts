import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/shared.ts';
import { audit, keyStatus } from '../../src/vault/audit.ts';
import { NothingToRollBackError } from '../../src/vault/errors.ts';
import { rollback } from '../../src/vault/rollback.ts';
import { reEncrypt } from '../../src/vault/rotation.ts';
import type { Vault } from '../../src/vault/store.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';
import { sampleSecrets, vaultWith } from './support.ts';

async function perVersion(db: Database) {
  const { rows } = await db.query<{ key_version: number; n: number }>(
    `select key_version, count(*)::int as n from vault.secrets
     group by 1 order by 1`,
  );
  return rows.map((r) => [r.key_version, r.n]);
}

async function expectAll(vault: Vault, entries: [string, string][]) {
  for (const [name, value] of entries) {
    expect(await vault.get(name)).toBe(value);
  }
}

async function seeded(count: number) {
  const t = await freshDatabase();
  const entries = sampleSecrets(count);
  await vaultWith(t.db, [1]).import(entries, { batchSize: 500 });
  return { t, entries };
}

describe('re-encryption', () => {
  let t: TestDatabase;
  let entries: [string, string][];
  beforeAll(async () => {
    ({ t, entries } = await seeded(600));
  });
  afterAll(() => t.drop());

  it('refuses to re-encrypt to a version that is not the active one', async () => {
    await expect(
      reEncrypt(vaultWith(t.db, [1, 2], 1), { fromVersion: 1, toVersion: 2 }),
    ).rejects.toThrow(
      'key version 2 is not the active key version (1): set security.encryption.active_key_version: 2 first, so that new secrets use it too',
    );
  });

  it('stops when aborted and continues where it stopped on the next run', async () => {
    const vault = vaultWith(t.db, [1, 2]);
    const stop = new AbortController();
    const first = await reEncrypt(vault, {
      fromVersion: 1,
      toVersion: 2,
      batchSize: 50,
      concurrency: 1,
      signal: stop.signal,
      onBatch: (done) => {
        if (done >= 150) stop.abort();
      },
    });
    expect(first).toMatchObject({
      scanned: 600,
      reEncrypted: 150,
      updated: 150,
      alreadyCurrent: 0,
      remaining: 450,
      interrupted: true,
      failed: [],
    });
    expect(await perVersion(t.db)).toEqual([
      [1, 450],
      [2, 150],
    ]);

    const second = await reEncrypt(vault, {
      fromVersion: 1,
      toVersion: 2,
      batchSize: 50,
    });
    expect(second).toMatchObject({
      scanned: 600,
      reEncrypted: 450,
      updated: 450,
      alreadyCurrent: 150,
      remaining: 0,
      interrupted: false,
    });
    expect(await perVersion(t.db)).toEqual([[2, 600]]);
    await expectAll(vault, entries);
  });

  it('records both runs and retires the old version', async () => {
    const { rows } = await t.db.query(
      `select from_version, to_version, status, re_encrypted::int,
              finished_at is not null as finished
       from vault.rotation_jobs order by id`,
    );
    expect(rows).toEqual([
      {
        from_version: 1,
        to_version: 2,
        status: 'interrupted',
        re_encrypted: 150,
        finished: true,
      },
      {
        from_version: 1,
        to_version: 2,
        status: 'completed',
        re_encrypted: 450,
        finished: true,
      },
    ]);
    const states = await t.db.query(
      'select version, state from vault.keys order by version',
    );
    expect(states.rows).toEqual([
      { version: 1, state: 'retired' },
      { version: 2, state: 'active' },
    ]);
  });

  it('leaves a secret that does not decrypt as it is and reports it', async () => {
    const vault = vaultWith(t.db, [2, 3]);
    await t.db.query(
      `update vault.secrets
       set ciphertext = set_byte(ciphertext, 3, get_byte(ciphertext, 3) # 1)
       where name = 's00007'`,
    );
    const result = await reEncrypt(vault, {
      fromVersion: 2,
      toVersion: 3,
      batchSize: 100,
    });
    expect(result.failed).toEqual([
      {
        name: 's00007',
        reason:
          'secret "s00007" does not decrypt with key version 2: the key is wrong or the ciphertext was altered, moved to another row or relabelled',
      },
    ]);
    expect(result.reEncrypted).toBe(599);
    expect(result.remaining).toBe(1);
    expect(await perVersion(t.db)).toEqual([
      [2, 1],
      [3, 599],
    ]);
  });
});

describe('rollback', () => {
  let t: TestDatabase;
  let entries: [string, string][];
  beforeAll(async () => {
    ({ t, entries } = await seeded(400));
  });
  afterAll(() => t.drop());

  it('takes a partial rotation back to version 1 and marks version 2 compromised', async () => {
    const vault = vaultWith(t.db, [1, 2]);
    const stop = new AbortController();
    await reEncrypt(vault, {
      fromVersion: 1,
      toVersion: 2,
      batchSize: 40,
      concurrency: 1,
      signal: stop.signal,
      onBatch: (done) => {
        if (done >= 120) stop.abort();
      },
    });
    expect(await perVersion(t.db)).toEqual([
      [1, 280],
      [2, 120],
    ]);

    const result = await rollback(vault, {
      toVersion: 1,
      reason: 'key 2 was pasted into a ticket',
      batchSize: 40,
    });
    expect(result.compromised).toEqual([2]);
    expect(result.remaining).toBe(0);
    expect(result.runs.map((r) => [r.fromVersion, r.reEncrypted])).toEqual([
      [2, 120],
    ]);
    expect(result.configChange).toEqual([
      'security.encryption.active_key_version: 1',
      'remove key version 2 from security.encryption.keys (and FLUXBASE_SECRET_KEY_2): it is compromised and never encrypts again',
    ]);
    expect(await perVersion(t.db)).toEqual([[1, 400]]);
    await expectAll(vaultWith(t.db, [1]), entries);
  });

  it('records the reason and never encrypts with the compromised version again', async () => {
    const { rows } = await t.db.query(
      `select kind, key_version, reason from vault.events
       where reason is not null order by id`,
    );
    expect(rows).toEqual([
      {
        kind: 'key_compromised',
        key_version: 2,
        reason: 'key 2 was pasted into a ticket',
      },
      {
        kind: 'rollback',
        key_version: 1,
        reason: 'key 2 was pasted into a ticket',
      },
    ]);
    await expect(vaultWith(t.db, [1, 2]).put('new', 'x')).rejects.toThrow(
      'key version 2 is marked compromised and never encrypts again: set security.encryption.active_key_version to another version (see keys status)',
    );
    const states = await t.db.query(
      'select version, state from vault.keys order by version',
    );
    expect(states.rows).toEqual([
      { version: 1, state: 'active' },
      { version: 2, state: 'compromised' },
    ]);
  });

  it('refuses a rollback to the active version when every secret uses it', async () => {
    const vault = vaultWith(t.db, [1], 1);
    const events = 'select count(*)::int as n from vault.events';
    const before = (await t.db.query(events)).rows;
    await expect(
      rollback(vault, { toVersion: 1, reason: 'again' }),
    ).rejects.toThrowError(new NothingToRollBackError(1));
    expect((await t.db.query(events)).rows).toEqual(before);
  });

  it('refuses vault.events changes: the log is append-only', async () => {
    await expect(t.db.query('delete from vault.events')).rejects.toThrow(
      'vault.events is append-only',
    );
    await expect(
      t.db.query(`update vault.events set reason = 'edited'`),
    ).rejects.toThrow('vault.events is append-only');
  });
});

describe('audit and key status', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    ({ t } = await seeded(30));
  });
  afterAll(() => t.drop());

  it('counts secrets per version, and the names when asked', async () => {
    const vault = vaultWith(t.db, [1, 2]);
    await vault.put('on_two', 'x');
    const result = await audit(vault, { keyVersion: 2, verbose: true });
    expect(result.audited).toEqual([
      { version: 2, count: 1, names: ['on_two'] },
    ]);
    expect(result.clean).toBe(false);
    expect(result.versions.map((v) => [v.version, v.secrets])).toEqual([
      [1, 30],
      [2, 1],
    ]);
  });

  it('audits every version but the active one by default', async () => {
    const result = await audit(vaultWith(t.db, [1, 2]));
    expect(result.audited).toEqual([{ version: 1, count: 30 }]);
  });

  it('reports secrets whose version has no configured key as unreadable', async () => {
    const result = await audit(vaultWith(t.db, [2]), { keyVersion: 3 });
    expect(result.audited).toEqual([{ version: 3, count: 0 }]);
    expect(result.unreadable).toEqual([{ version: 1, count: 30 }]);
    expect(result.clean).toBe(false);
  });

  it('reports a configured key whose fingerprint differs', async () => {
    const mixed = vaultWith(t.db, [1, 2]);
    mixed.keyring.add(2, Buffer.from('33'.repeat(32), 'hex'));
    const result = await audit(mixed, {});
    expect(result.mismatched).toEqual([2]);
    expect(result.clean).toBe(false);
  });

  it('warns when the active key is older than 90 days', async () => {
    await t.db.query(
      `update vault.keys set created_at = now() - interval '100 days'
       where version = 2`,
    );
    const { warnings } = await keyStatus(vaultWith(t.db, [1, 2]));
    expect(warnings).toEqual([
      'active key version 2 is 100 days old: rotate quarterly (add a new version, then fluxbase-cli secrets re-encrypt)',
    ]);
  });
});

describe('two re-encryptions at once', () => {
  let t: TestDatabase;
  let entries: [string, string][];
  beforeAll(async () => {
    ({ t, entries } = await seeded(3000));
  });
  afterAll(() => t.drop());

  it.skipIf(serverOnly('two re-encryptions on separate connections'))(
    'share the work without conflict and lose nothing',
    async () => {
      const a = vaultWith(await t.open({ max: 6 }), [1, 2]);
      const b = vaultWith(await t.open({ max: 6 }), [1, 2]);
      await a.ensureEncryptable(2);
      const options = {
        fromVersion: 1,
        toVersion: 2,
        batchSize: 25,
        concurrency: 4,
      };
      const [ra, rb] = await Promise.all([
        reEncrypt(a, options),
        reEncrypt(b, options),
      ]);
      expect(ra.remaining).toBe(0);
      expect(rb.remaining).toBe(0);
      expect(ra.failed).toEqual([]);
      expect(rb.failed).toEqual([]);
      expect(ra.updated + rb.updated).toBe(3000);
      expect(ra.skipped + rb.skipped).toBe(0);
      expect(await perVersion(t.db)).toEqual([[2, 3000]]);
      await expectAll(a, entries);
    },
  );
});

describe('rollback to a newer version than some secrets use', () => {
  let t: TestDatabase;
  let entries: [string, string][];
  beforeAll(async () => {
    ({ t, entries } = await seeded(50));
  });
  afterAll(() => t.drop());

  it('moves older secrets too and retires their version instead of marking it compromised', async () => {
    const vault = vaultWith(t.db, [1, 2, 3]);
    await vault.put('on_three', 'three');
    await t.db.query(
      `insert into vault.keys (version, fingerprint, state)
       values (2, $1, 'decrypt_only')`,
      [vaultWith(t.db, [2]).keyring.fingerprint(2)],
    );
    const result = await rollback(vault, { toVersion: 2, reason: 'v3 lost' });
    expect(result.compromised).toEqual([3]);
    expect(result.remaining).toBe(0);
    expect(await perVersion(t.db)).toEqual([[2, 51]]);
    const states = await t.db.query(
      'select version, state from vault.keys order by version',
    );
    expect(states.rows).toEqual([
      { version: 1, state: 'retired' },
      { version: 2, state: 'active' },
      { version: 3, state: 'compromised' },
    ]);
    await expectAll(vaultWith(t.db, [2], 2), entries);
  });
});

describe('rollback once the configuration is already changed', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    ({ t } = await seeded(20));
  });
  afterAll(() => t.drop());

  it('asks for no change that is already in effect', async () => {
    await reEncrypt(vaultWith(t.db, [1, 2]), { fromVersion: 1, toVersion: 2 });
    const result = await rollback(vaultWith(t.db, [1, 2], 1), {
      toVersion: 1,
      reason: 'v2 leaked',
    });
    expect(result.compromised).toEqual([2]);
    expect(result.remaining).toBe(0);
    expect(result.configChange).toEqual([
      'remove key version 2 from security.encryption.keys (and FLUXBASE_SECRET_KEY_2): it is compromised and never encrypts again',
    ]);
  });
});
