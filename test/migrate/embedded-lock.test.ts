import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { DatabaseBusyError, openEmbedded } from '../../src/db/pglite.ts';
import { loadPack } from '../../src/migrate/index.ts';
import { runCli } from '../support/cli.ts';
import { failure } from '../support/failure.ts';

const packNames = (await loadPack()).map((m) => m.name);
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function folder(): string {
  dir = mkdtempSync(join(tmpdir(), 'fluxbase-lock-'));
  return join(dir, 'db');
}

/** The pid of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('an embedded database folder', { timeout: 240_000 }, () => {
  it('lets three migrate up processes run at once and applies each migration once', async () => {
    const url = `file://${folder()}`;
    const args = ['migrate', 'up', '--database-url', url];
    const runs = await Promise.all([runCli(args), runCli(args), runCli(args)]);

    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    const applied = runs.flatMap((r) =>
      r.stdout.split('\n').filter((l) => l.startsWith('applied ')),
    );
    expect(applied.sort()).toEqual(packNames.map((n) => `applied ${n}`));

    const status = await runCli(['migrate', 'status', '--database-url', url]);
    expect(status.code).toBe(0);
    expect(status.stdout.split('\n').filter(Boolean)).toEqual(
      packNames.map((n) => expect.stringMatching(`^applied  ${n}  \\d{4}-`)),
    );
  });

  it('makes another process give up with exit 2 while it is open', async () => {
    const data = folder();
    const db = await openEmbedded(data);
    try {
      const result = await runCli([
        'migrate',
        'up',
        '--lock-timeout',
        '0.3',
        '--database-url',
        `file://${data}`,
      ]);
      expect(result.stderr).toBe(
        `waiting for process ${process.pid} to close ${data}\nerror: the embedded database in ${data} is in use by process ${process.pid}; wait for it to finish, or use a PostgreSQL server\n`,
      );
      expect(result.code).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('waits in the same process too, and frees the folder on close', async () => {
    const data = folder();
    const db = await openEmbedded(data);
    const error = await failure(openEmbedded(data, { lockTimeoutMs: 200 }));
    expect(error).toBeInstanceOf(DatabaseBusyError);
    await db.close();
    expect(existsSync(join(data, 'fluxbase.lock'))).toBe(false);

    const again = await openEmbedded(data, { lockTimeoutMs: 0 });
    await again.close();
  });

  it('takes over the lock of a process that has ended', async () => {
    const data = folder();
    await (await openEmbedded(data)).close();
    writeFileSync(join(data, 'fluxbase.lock'), `${deadPid()}\n`);
    const db = await openEmbedded(data, { lockTimeoutMs: 0 });
    const { rows } = await db.query('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
    await db.close();
  });

  it('frees the folder when the process exits without closing', async () => {
    const data = folder();
    const pglite = join(import.meta.dirname, '../../src/db/pglite.ts');
    const script = `import { openEmbedded } from ${JSON.stringify(pglite)};
      await openEmbedded(${JSON.stringify(data)});
      process.exit(0);`;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(join(data, 'fluxbase.lock'))).toBe(false);
  });
});
