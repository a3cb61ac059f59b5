import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase } from '../../src/db/open.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'fluxbase-cli.js');
const CONFIG = join(tmpdir(), `fluxbase-ratelimit-cli-${process.pid}.yaml`);

function cli(url: string, ...args: string[]) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const run = spawnSync(
    process.execPath,
    [BIN, ...args, '--database-url', url, '--config', CONFIG],
    { encoding: 'utf8', env },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let pack: TestDatabase;
let empty: TestDatabase;
beforeAll(async () => {
  writeFileSync(
    CONFIG,
    'ratelimit:\n  window: 30s\n  limits: { anonymous: 7 }\n',
  );
  pack = await freshDatabase({ onDisk: true });
  empty = await freshDatabase({ onDisk: true, empty: true });
  if (pack.kind === 'embedded') {
    await pack.db.close();
    await empty.db.close();
  }
});
afterAll(async () => {
  await pack.drop();
  await empty.drop();
});

describe('fluxbase-cli ratelimit', () => {
  it('sync writes the limits of fluxbase.yaml into ratelimit.limits', async () => {
    const run = cli(pack.url, 'ratelimit', 'sync', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      window: '30s',
      limits: { anon: 7, authenticated: 1000, service_role: 10_000 },
    });
    const db = await openDatabase({ url: pack.url });
    const { rows } = await db.query(
      `select role, capacity, extract(epoch from period)::int as seconds
         from ratelimit.limits order by role`,
    );
    await db.close();
    expect(rows).toEqual([
      { role: 'anon', capacity: 7, seconds: 30 },
      { role: 'authenticated', capacity: 1000, seconds: 30 },
      { role: 'service_role', capacity: 10_000, seconds: 30 },
    ]);
  });

  it('refuses to purge buckets idle for less than a window, exit 2', () => {
    const run = cli(pack.url, 'ratelimit', 'purge', '--older-than', '10s');
    expect([run.code, run.stdout, run.stderr]).toEqual([
      2,
      '',
      'error: --older-than 10s is shorter than the window (30s): a bucket idle for less than a window may still be refilling, and dropping it hands out extra requests\n',
    ]);
  });

  it('says to migrate first on a database without the pack, exit 2', () => {
    const run = cli(empty.url, 'ratelimit', 'purge');
    expect([run.code, run.stdout, run.stderr]).toEqual([
      2,
      '',
      'error: the ratelimit schema is not installed in this database: run `fluxbase-cli migrate up` first\n',
    ]);
  });
});
