import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/shared.ts';
import {
  freshDatabase,
  hasServer,
  serverOnly,
  type TestDatabase,
} from '../support/db.ts';
import {
  KEY1,
  KEY2,
  runCli,
  sampleSecrets,
  startCli,
  vaultWith,
} from './support.ts';

const COUNT = 3000;
/** Enough small secrets that ten kills land before the job is done. */
const KILL_COUNT = 6000;
const env = { FLUXBASE_SECRET_KEY_1: KEY1, FLUXBASE_SECRET_KEY_2: KEY2 };

async function atVersion(db: Database, version: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from vault.secrets where key_version = $1',
    [version],
  );
  return rows[0]!.n;
}

function reEncryptArgs(url: string, batch: number, workers: number) {
  return [
    'secrets',
    're-encrypt',
    '--database-url',
    url,
    '--from-version',
    '1',
    '--to-version',
    '2',
    '--batch-size',
    String(batch),
    '--concurrency',
    String(workers),
  ];
}

async function expectEverySecret(db: Database, entries: [string, string][]) {
  const vault = vaultWith(db, [2]);
  const wrong: string[] = [];
  for (const [name, value] of entries) {
    if ((await vault.get(name)) !== value) wrong.push(name);
  }
  expect(wrong).toEqual([]);
  expect(await atVersion(db, 1)).toBe(0);
  expect(await atVersion(db, 2)).toBe(entries.length);
}

/** Waits until some batch has committed since `before`, or the exit. */
async function firstProgress(
  db: Database,
  before: number,
  exited: () => boolean,
): Promise<void> {
  while (!exited() && (await atVersion(db, 2)) === before) await sleep(5);
}

describe('re-encrypt under kill -9', () => {
  let t: TestDatabase;
  let entries: [string, string][];
  beforeAll(async () => {
    t = await freshDatabase();
    entries = sampleSecrets(KILL_COUNT, 32);
    if (!hasServer) return;
    await vaultWith(t.db, [1]).import(entries, { batchSize: 1000 });
  });
  afterAll(() => t.drop());

  it.skipIf(serverOnly('kill -9 of a CLI process on its own connections'))(
    'loses nothing when killed at random moments, and a rerun finishes the job',
    async () => {
      let kills = 0;
      for (let round = 0; round < 40 && kills < 10; round++) {
        const before = await atVersion(t.db, 2);
        if (before === KILL_COUNT) break;
        const run = startCli(reEncryptArgs(t.url, 5, 4), { env });
        let exited = false;
        run.done.then(() => {
          exited = true;
        });
        await firstProgress(t.db, before, () => exited);
        await sleep(Math.floor(Math.random() * 25));
        run.child.kill('SIGKILL');
        const result = await run.done;
        const after = await atVersion(t.db, 2);
        if (result.code === null && after < KILL_COUNT) kills++;
      }
      expect(kills).toBe(10);
      expect(await atVersion(t.db, 1)).toBeGreaterThan(0);

      const rerun = await runCli(reEncryptArgs(t.url, 50, 4), { env });
      expect(rerun.stderr).not.toContain('error');
      expect(rerun.code).toBe(0);
      const lines = rerun.stdout.trim().split('\n');
      expect(lines[0]).toBe(`✓ Scanned ${KILL_COUNT} secrets`);
      expect(lines[3]).toMatch(/^✓ Completed in \d+\.\ds$/);
      await expectEverySecret(t.db, entries);
    },
  );

  it.skipIf(serverOnly('kill -9 of a CLI process on its own connections'))(
    'marks the killed runs interrupted on a later run',
    async () => {
      await t.db.query(
        `update vault.rotation_jobs
         set heartbeat_at = now() - interval '1 minute'
         where status = 'running'`,
      );
      const again = await runCli(reEncryptArgs(t.url, 50, 2), { env });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(
        `✓ Re-encrypted 0 secrets (already using new key: ${KILL_COUNT})`,
      );
      const { rows } = await t.db.query<{ status: string }>(
        `select distinct status from vault.rotation_jobs order by status`,
      );
      expect(rows.map((r) => r.status)).toEqual(['completed', 'interrupted']);
    },
  );
});

describe('two re-encrypt processes at once', () => {
  let t: TestDatabase;
  let entries: [string, string][];
  beforeAll(async () => {
    t = await freshDatabase();
    entries = sampleSecrets(COUNT, 32);
    if (!hasServer) return;
    await vaultWith(t.db, [1]).import(entries, { batchSize: 1000 });
    await vaultWith(t.db, [1, 2]).ensureEncryptable(2);
  });
  afterAll(() => t.drop());

  it.skipIf(serverOnly('two CLI processes on their own connections'))(
    'share the secrets without conflict; together they move every one',
    async () => {
      const [a, b] = await Promise.all([
        runCli([...reEncryptArgs(t.url, 10, 3), '--json'], { env }),
        runCli([...reEncryptArgs(t.url, 10, 3), '--json'], { env }),
      ]);
      expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
      const ra = JSON.parse(a.stdout);
      const rb = JSON.parse(b.stdout);
      expect(ra.updated + rb.updated).toBe(COUNT);
      expect([ra.failed, rb.failed, ra.remaining, rb.remaining]).toEqual([
        [],
        [],
        0,
        0,
      ]);
      await expectEverySecret(t.db, entries);
    },
  );
});

describe('re-encrypt stopped by Ctrl-C or a lost connection', () => {
  let t: TestDatabase;
  let entries: [string, string][];
  beforeAll(async () => {
    t = await freshDatabase();
    entries = sampleSecrets(COUNT, 32);
    if (!hasServer) return;
    await vaultWith(t.db, [1]).import(entries, { batchSize: 1000 });
  });
  afterAll(() => t.drop());

  it.skipIf(serverOnly('signals to a CLI process on its own connections'))(
    'stops after the batches in flight on Ctrl-C and says how to continue',
    async () => {
      const run = startCli(reEncryptArgs(t.url, 5, 2), { env });
      let exited = false;
      run.done.then(() => {
        exited = true;
      });
      await firstProgress(t.db, 0, () => exited);
      run.child.kill('SIGINT');
      const result = await run.done;
      const left = await atVersion(t.db, 1);
      expect(left).toBeGreaterThan(0);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('stopping after the batches in flight…');
      expect(result.stdout).toContain(
        `✗ Interrupted with ${left} secrets still at key version 1: run the same command again to continue\n`,
      );
      expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(
        /^✗ Stopped after \d+\.\ds; run the same command again to continue$/,
      );
    },
  );

  it.skipIf(serverOnly('terminating a CLI process connections'))(
    'exits 2 when its connections are cut, and a rerun finishes',
    async () => {
      const run = startCli(reEncryptArgs(t.url, 5, 2), { env });
      let exited = false;
      run.done.then(() => {
        exited = true;
      });
      await firstProgress(t.db, await atVersion(t.db, 2), () => exited);
      await t.db.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()
           and application_name = 'fluxbase-security'`,
      );
      const result = await run.done;
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^error: re-encryption from key version 1 to 2 stopped: .+\. Nothing is lost \(each batch committed whole or not at all\): run the same command again to continue\n$/,
      );
      const rerun = await runCli(reEncryptArgs(t.url, 100, 4), { env });
      expect(rerun.code).toBe(0);
      await expectEverySecret(t.db, entries);
    },
  );
});
