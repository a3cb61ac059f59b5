import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openEmbedded } from '../../src/db/pglite.ts';
import { loadPack } from '../../src/migrate/index.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';

const packNames = (await loadPack()).map((m) => m.name);
const appliedLines = packNames.map((n) => `applied ${n}\n`).join('');

describe('migrate on the embedded default', () => {
  it('creates ./.fluxbase/db on first use, migrates it and reports the status', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fluxbase-cwd-'));
    const up = await runCli(['migrate', 'up'], { cwd });
    expect(up.stdout).toBe(appliedLines);
    expect(up.stderr).toBe('migrating embedded (.fluxbase/db)\n');
    expect(up.code).toBe(0);
    expect(existsSync(join(cwd, '.fluxbase/db/PG_VERSION'))).toBe(true);

    const status = await runCli(['migrate', 'status', '--json'], { cwd });
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.drift).toBe(false);
    expect(
      report.migrations.map((m: { name: string; state: string }) => [
        m.name,
        m.state,
      ]),
    ).toEqual(packNames.map((n) => [n, 'applied']));

    const again = await runCli(['migrate', 'up'], { cwd });
    expect(again.stdout).toBe('nothing to do: the database is up to date\n');
    expect(again.code).toBe(0);
  });

  it('gives a throwaway database for memory://', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fluxbase-cwd-'));
    const up = await runCli(['--database-url', 'memory://', 'migrate', 'up'], {
      cwd,
    });
    expect(up.stdout).toBe(appliedLines);
    expect(up.code).toBe(0);
    expect(existsSync(join(cwd, '.fluxbase'))).toBe(false);
  });
});

// Several CLI runs a test: slow on a loaded machine.
const SLOW = { timeout: 240_000 };

describe('what migrate says when there is nothing to do', SLOW, () => {
  const data = join(mkdtempSync(join(tmpdir(), 'fluxbase-said-')), 'db');
  const url = `file://${data}`;
  const cli = (...args: string[]) =>
    runCli(['migrate', ...args, '--database-url', url]);

  it('redoes nothing on an empty database, and one migration after up', async () => {
    const empty = await cli('redo');
    expect(empty.stdout).toBe('nothing to redo: no migration is applied\n');
    expect(empty.code).toBe(0);
    const status = await cli('status');
    expect(status.stdout).toBe(
      packNames.map((n) => `pending  ${n}\n`).join(''),
    );

    await cli('up', '--to', packNames[1]!);
    const redo = await cli('redo');
    expect(redo.stdout).toBe(`redone ${packNames[1]}\n`);
    expect(redo.code).toBe(0);
    await cli('down', '--all');
  });

  it('says nothing to revert for down with nothing applied, and for down 0', async () => {
    const none = await cli('down');
    expect(none.stdout).toBe('nothing to revert: no migration is applied\n');
    expect(none.code).toBe(0);

    await cli('up', '--to', packNames[0]!);
    const zero = await cli('down', '0');
    expect(zero.stdout).toBe('nothing to revert: the count is 0\n');
    expect(zero.code).toBe(0);
  });

  it('says which migration up --to found applied and how many are pending', async () => {
    await cli('up', '--to', packNames[1]!);
    const again = await cli('up', '--to', packNames[0]!);
    const later = packNames.length - 2;
    expect(again.stdout).toBe(
      `nothing to do: ${packNames[0]} is already applied (${later} later migrations are pending)\n`,
    );
    expect(again.code).toBe(0);
  });

  it('warns on up about a migration that changed after it was applied', async () => {
    await cli('up');
    const db = await openEmbedded(data);
    await db.query(
      `update fluxbase.migration_checksums set sha256 = repeat('0', 64)
        where name = $1`,
      [packNames[0]],
    );
    await db.close();
    const up = await cli('up');
    expect(up.stdout).toBe('nothing to do: the database is up to date\n');
    expect(up.stderr).toBe(
      `migrating embedded (${data})\nwarning: ${packNames[0]} changed after it was applied (see fluxbase-cli migrate status)\n`,
    );
    expect(up.code).toBe(0);
  });
});

describe('migrate errors', () => {
  it('says which server it cannot reach and never prints the password', async () => {
    const result = await runCli([
      'migrate',
      'up',
      '--database-url',
      'postgres://app:hunter2@127.0.0.1:1/appdb',
    ]);
    expect(result.stderr).toBe(
      'error: cannot connect to 127.0.0.1:1/appdb: connect ECONNREFUSED 127.0.0.1:1\n',
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it('rejects an unknown URL scheme with exit 2, password hidden', async () => {
    const result = await runCli([
      'migrate',
      'status',
      '--database-url',
      'mysql://u:pw@h/db',
    ]);
    expect(result.stderr).toBe(
      'error: unsupported database URL scheme in mysql://u:***@h/db: use postgres://, memory:// or file://\n',
    );
    expect(result.code).toBe(2);
  });

  it('exits 2 on an unknown option', async () => {
    const result = await runCli(['migrate', 'up', '--frobnicate']);
    expect(result.stderr).toBe(
      "error: unknown option '--frobnicate'\n(run with --help for usage)\n",
    );
    expect(result.code).toBe(2);
  });

  it('shows an example in the help of every migrate command', async () => {
    for (const command of ['up', 'down', 'status', 'redo']) {
      const result = await runCli(['migrate', command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `Example:\n  fluxbase-cli migrate ${command}`,
      );
    }
  });
});

describe.skipIf(
  serverOnly('the CLI opens the server database from another process'),
)('migrate against a server', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase({ empty: true });
  });
  afterAll(() => t.drop());

  it('takes the database from DATABASE_URL, then database.url in fluxbase.yaml', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fluxbase-cwd-'));
    writeFileSync(join(cwd, 'fluxbase.yaml'), `database:\n  url: ${t.url}\n`);

    const fromFile = await runCli(['migrate', 'status'], { cwd });
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(
      packNames.map((n) => `pending  ${n}\n`).join(''),
    );

    const fromEnv = await runCli(['migrate', 'up'], {
      cwd,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('cannot connect to 127.0.0.1:1/none');

    const fromFlag = await runCli(['migrate', 'up', '--database-url', t.url], {
      cwd,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });
    expect(fromFlag.stdout).toBe(appliedLines);
    expect(fromFlag.code).toBe(0);
  });

  it('exits 1 from status when a migration drifted', async () => {
    await t.db.query(
      `update fluxbase.migration_checksums set sha256 = repeat('0', 64) where name = $1`,
      ['0001_foundation'],
    );
    const result = await runCli(['migrate', 'status', '--database-url', t.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^drift {4}0001_foundation {2}\d{4}-/);
    expect(result.stdout).toContain(
      'drift: a migration changed (or went missing) after it was applied\n',
    );
  });
});

describe.skipIf(serverOnly('the refusal is checked on a server database'))(
  "migrate up over somebody else's auth schema",
  () => {
    it('refuses with exit 2 and names the objects in the way', async () => {
      const t = await freshDatabase({ empty: true });
      try {
        await t.db.exec(
          'create schema auth; create table auth.users (id int);',
        );
        const result = await runCli(['migrate', 'up', '--database-url', t.url]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          'error: refusing to install: schema auth already exists and was not created by fluxbase-cli. Objects in the way:\n  schema auth\n  table auth.users\n',
        );
        const { rows } = await t.db.query(
          `select to_regnamespace('fluxbase') as s`,
        );
        expect(rows).toEqual([{ s: null }]);
      } finally {
        await t.drop();
      }
    });
  },
);

describe('database URL mistakes', () => {
  it('names a URL the driver cannot read, password hidden', async () => {
    const result = await runCli([
      'migrate',
      'status',
      '--database-url',
      'postgresql://u:pw@127.0.0.1:99999/x',
    ]);
    expect(result.stderr).toBe(
      'error: not a valid PostgreSQL URL: postgresql://u:***@127.0.0.1:99999/x (check the port, brackets around IPv6 hosts, and %-encode special characters in the user or password)\n',
    );
    expect(result.code).toBe(2);
  });

  it('says when a folder cannot hold the embedded database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fluxbase-file-'));
    writeFileSync(join(dir, 'plain'), '');
    const url = `file://${join(dir, 'plain', 'db')}`;
    const result = await runCli(['migrate', 'status', '--database-url', url]);
    expect(result.stderr).toMatch(
      /^error: cannot keep the embedded database in .*\/plain\/db: ENOTDIR: not a directory, mkdir '…' \(give a folder you can write, or a postgres:\/\/ URL\)\n$/,
    );
    expect(result.code).toBe(2);
  });
});
