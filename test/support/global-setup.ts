import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import type { TestProject } from 'vitest/node';

import { openDatabase } from '../../src/db/open.ts';
import { pgliteOf } from '../../src/db/pglite.ts';
import { quoteIdent } from '../../src/db/quote.ts';
import { migrateUp } from '../../src/migrate/runner.ts';
import type { HarnessInfo } from './harness-info.ts';
import { startCluster, type TestServer } from './server.ts';

function pickServer(): TestServer | undefined {
  if (process.env.FLUXBASE_TEST_DB === 'embedded') return undefined;
  const url = process.env.DATABASE_URL;
  if (url) return { kind: 'url', adminUrl: url, stop() {} };
  return startCluster();
}

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabases(adminUrl: string, prefix: string) {
  await admin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(
        `drop database if exists ${quoteIdent(datname)} with (force)`,
      );
    }
  });
}

async function serverTemplate(server: TestServer, prefix: string) {
  const template = `${prefix}template`;
  await admin(server.adminUrl, (c) =>
    c.query(`create database ${quoteIdent(template)}`),
  );
  const db = await openDatabase({
    url: withDatabase(server.adminUrl, template),
    max: 2,
  });
  try {
    await migrateUp({ db });
    await db.exec('create extension if not exists pgtap');
  } finally {
    await db.close();
  }
  return template;
}

async function embeddedTemplate(): Promise<string> {
  const db = await openDatabase({ url: 'memory://' });
  await migrateUp({ db });
  const dump = await pgliteOf(db)!.dumpDataDir('none');
  await db.close();
  const file = join(tmpdir(), `fluxbase-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  return file;
}

/**
 * Picks the database the tests use: DATABASE_URL when set, else a
 * throwaway cluster when PostgreSQL's binaries are installed, else the
 * embedded database alone. Builds a template with the pack migrated so
 * that each test file starts from a fresh copy.
 */
export default async function setup(project: TestProject) {
  const prefix = `fluxbase_t${process.pid}_`;
  const server = pickServer();
  const tarball = await embeddedTemplate();
  let info: HarnessInfo;

  if (server) {
    const template = await serverTemplate(server, prefix);
    info = {
      kind: server.kind,
      adminUrl: server.adminUrl,
      template,
      prefix,
      embeddedTemplate: tarball,
    };
  } else {
    info = {
      kind: 'embedded',
      prefix,
      embeddedTemplate: tarball,
      reason:
        process.env.FLUXBASE_TEST_DB === 'embedded'
          ? 'FLUXBASE_TEST_DB=embedded'
          : 'no PostgreSQL server: DATABASE_URL is unset and initdb is not installed',
    };
  }
  project.provide('fluxbaseHarness', info);
  process.stderr.write(`test database: ${describe(info)}\n`);

  return async () => {
    if (server) {
      await dropDatabases(server.adminUrl, prefix).catch(() => undefined);
      server.stop();
    }
  };
}

function describe(info: HarnessInfo): string {
  if (info.kind === 'url') return 'the server at DATABASE_URL';
  if (info.kind === 'cluster') return 'a throwaway cluster (initdb)';
  return `embedded PGlite (${info.reason})`;
}
