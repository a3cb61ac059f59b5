import { execFileSync, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL server the tests may create databases on. */
export interface TestServer {
  kind: 'url' | 'cluster';
  /** A URL to the maintenance database, as a superuser. */
  adminUrl: string;
  stop(): void;
}

function findBinary(name: string): string | undefined {
  const path = (process.env.PATH ?? '').split(':');
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  for (const dir of [...versions, ...path]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function asPostgresUser(binary: string, args: string[]): void {
  const root = userInfo().uid === 0;
  const [cmd, argv] = root
    ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
    : [binary, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${binary} failed: ${result.stderr || result.stdout}`);
  }
}

/**
 * Starts a throwaway cluster with initdb and pg_ctl on a unix socket in a
 * temporary folder (fsync off), or returns undefined when PostgreSQL's
 * binaries are not installed. As root it runs them as the postgres user.
 */
export function startCluster(): TestServer | undefined {
  const initdb = findBinary('initdb');
  const pgCtl = findBinary('pg_ctl');
  if (!initdb || !pgCtl) return undefined;

  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-pg-'));
  if (userInfo().uid === 0) {
    const id = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(id), Number(gid));
  }
  const data = join(dir, 'data');
  const port = String(40000 + (process.pid % 20000));
  asPostgresUser(initdb, [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const options = [
    `-k ${dir}`,
    `-p ${port}`,
    "-c listen_addresses=''",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  asPostgresUser(pgCtl, [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    options,
    'start',
  ]);

  return {
    kind: 'cluster',
    adminUrl: `postgres://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`,
    stop() {
      try {
        asPostgresUser(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
