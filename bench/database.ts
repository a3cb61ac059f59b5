import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { openDatabase } from '../src/db/open.ts';
import { quoteIdent } from '../src/db/quote.ts';
import type { Database } from '../src/db/shared.ts';
import { migrateUp } from '../src/migrate/runner.ts';

/**
 * A fresh database with the pack for one benchmark: on the server at
 * DATABASE_URL when set (dropped afterwards), else embedded in memory.
 */
export async function benchDatabase(max = 20): Promise<{
  db: Database;
  url: string;
  drop(): Promise<void>;
}> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    const db = await openDatabase({ url: 'memory://' });
    await migrateUp({ db });
    return { db, url: 'memory://', drop: () => db.close() };
  }
  const name = `fluxbase_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${quoteIdent(name)}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), max });
  await migrateUp({ db });
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      await client.query(
        `drop database if exists ${quoteIdent(name)} with (force)`,
      );
      await client.end();
    },
  };
}
