import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import { inject } from 'vitest';

import { openDatabase } from '../../src/db/open.ts';
import { openEmbedded } from '../../src/db/pglite.ts';
import { quoteIdent } from '../../src/db/quote.ts';
import type { Database } from '../../src/db/shared.ts';
import './harness-info.ts';

export const harness = inject('fluxbaseHarness');

/** True when a real server is there (several sessions, roles, locks). */
export const hasServer = harness.kind !== 'embedded';

/** Why a test that needs a server is skipped, printed once per file. */
export function serverOnly(what: string): boolean {
  if (!hasServer) {
    process.stderr.write(
      `skipped (${what}): needs several real sessions; ${harness.reason}\n`,
    );
  }
  return !hasServer;
}

export interface TestDatabase {
  /** Open on the fresh database. */
  db: Database;
  /** A URL other processes can open (embedded: a folder, once db is closed). */
  url: string;
  kind: 'server' | 'embedded';
  /** Opens another handle (server: a new pool). */
  open(options?: { max?: number }): Promise<Database>;
  drop(): Promise<void>;
}

export interface FreshOptions {
  /** Without the pack (default: with the pack migrated). */
  empty?: boolean;
  /** Embedded only: keep the data in a folder so other processes can open it. */
  onDisk?: boolean;
}

function urlFor(name: string): string {
  const url = new URL(harness.adminUrl!);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

async function serverDatabase(options: FreshOptions): Promise<TestDatabase> {
  const name = `${harness.prefix}${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template1' : harness.template!;
  const admin = new pg.Client({ connectionString: harness.adminUrl });
  await admin.connect();
  try {
    await admin.query(
      `create database ${quoteIdent(name)} template ${quoteIdent(template)}`,
    );
  } finally {
    await admin.end();
  }

  const url = urlFor(name);
  const opened: Database[] = [];
  const open = async (o?: { max?: number }) => {
    const db = await openDatabase({ url, max: o?.max ?? 10 });
    opened.push(db);
    return db;
  };
  const db = await open();
  return {
    db,
    url,
    kind: 'server',
    open,
    async drop() {
      await Promise.all(opened.map((d) => d.close().catch(() => undefined)));
      const c = new pg.Client({ connectionString: harness.adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${quoteIdent(name)} with (force)`);
      await c.end();
    },
  };
}

async function embeddedDatabase(options: FreshOptions): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxbase-embedded-'));
  const dataDir = options.onDisk ? dir : undefined;
  const seed = options.empty
    ? undefined
    : new Blob([readFileSync(harness.embeddedTemplate!)]);
  const db = await openEmbedded(dataDir, { seed });
  return {
    db,
    url: dataDir ? `file://${dataDir}` : 'memory://',
    kind: 'embedded',
    open: () => openEmbedded(dataDir),
    async drop() {
      await db.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh embedded database, whatever the run's primary database is. */
export function freshEmbedded(
  options: FreshOptions = {},
): Promise<TestDatabase> {
  return embeddedDatabase(options);
}

/**
 * A database of its own for one test file: a copy of the migrated template
 * on a server, or a seeded embedded one.
 */
export function freshDatabase(
  options: FreshOptions = {},
): Promise<TestDatabase> {
  return hasServer ? serverDatabase(options) : embeddedDatabase(options);
}
