import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  type Extensions,
  PGlite,
  type Transaction,
} from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { pgtap } from '@electric-sql/pglite-pgtap';

import { type FolderLock, lockFolder } from './embedded-lock.ts';
import { wrapPgError } from './errors.ts';
import type { Database, QueryResult, Session } from './shared.ts';

type Runner = PGlite | Transaction;

async function run<R>(
  target: Runner,
  text: string,
  values?: readonly unknown[],
): Promise<QueryResult<R>> {
  try {
    const result = await target.query<R>(text, values as unknown[]);
    return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
  } catch (error) {
    throw wrapPgError(error);
  }
}

async function runScript(
  target: Runner,
  script: string,
): Promise<QueryResult[]> {
  try {
    const results = await target.exec(script);
    return results.map((r) => ({
      rows: r.rows,
      rowCount: r.affectedRows ?? 0,
    }));
  } catch (error) {
    throw wrapPgError(error);
  }
}

/** A session over one PGlite runner (the database or a transaction). */
class EmbeddedSession implements Session {
  readonly #target: Runner;

  constructor(target: Runner) {
    this.#target = target;
  }

  query<R>(text: string, values?: readonly unknown[]) {
    return run<R>(this.#target, text, values);
  }

  exec(script: string) {
    return runScript(this.#target, script);
  }

  async release(): Promise<void> {}
}

class EmbeddedDatabase implements Database {
  readonly kind = 'embedded';
  readonly label: string;
  readonly #pg: PGlite;
  readonly #lock: FolderLock | undefined;

  constructor(pglite: PGlite, label: string, lock?: FolderLock) {
    this.#pg = pglite;
    this.label = label;
    this.#lock = lock;
  }

  query<R>(text: string, values?: readonly unknown[]) {
    return run<R>(this.#pg, text, values);
  }

  exec(script: string) {
    return runScript(this.#pg, script);
  }

  async session(): Promise<Session> {
    return new EmbeddedSession(this.#pg);
  }

  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T> {
    return this.#pg
      .transaction((tx) => fn(new EmbeddedSession(tx)))
      .catch((error: unknown) => {
        throw wrapPgError(error);
      });
  }

  async listen(channel: string, onNotify: (payload: string) => void) {
    const unlisten = await this.#pg.listen(channel, onNotify);
    return async () => unlisten();
  }

  async close(): Promise<void> {
    try {
      if (!this.#pg.closed) await this.#pg.close();
    } finally {
      this.#lock?.release();
    }
  }

  /** The PGlite instance, for tools that need it directly. */
  get pglite(): PGlite {
    return this.#pg;
  }
}

export interface EmbeddedOptions {
  /** A data-dir tarball (from `dumpDataDir`) to start from. */
  seed?: Blob;
  /** PGlite extensions to add to pgcrypto and pgtap. */
  extensions?: Extensions;
  /** How long to wait for another process using the folder (60 000 ms). */
  lockTimeoutMs?: number;
  /** Called once when another process has the folder open. */
  onWait?: (pid: number) => void;
}

/**
 * Opens embedded PostgreSQL: in memory when `dataDir` is undefined, else
 * kept in that folder (created on first use). A folder is open in one
 * process at a time: another process waits for it up to `lockTimeoutMs`,
 * then fails with a `DatabaseBusyError`.
 *
 * @example
 * const db = await openEmbedded('.fluxbase/db', { lockTimeoutMs: 5000 });
 */
export async function openEmbedded(
  dataDir: string | undefined,
  options: EmbeddedOptions = {},
): Promise<Database> {
  const extensions = { pgcrypto, pgtap, ...options.extensions };
  const loadDataDir = options.seed;
  if (dataDir === undefined) {
    const pglite = await PGlite.create({ extensions, loadDataDir });
    return new EmbeddedDatabase(pglite, 'embedded (memory)');
  }

  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = await lockFolder(dataDir, {
    timeoutMs: options.lockTimeoutMs,
    onWait: options.onWait,
  });
  try {
    const pglite = await PGlite.create({
      dataDir: dir,
      extensions,
      loadDataDir,
    });
    return new EmbeddedDatabase(pglite, `embedded (${dataDir})`, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

export { DatabaseBusyError } from './embedded-lock.ts';

/** The PGlite behind an embedded database, or undefined for a server. */
export function pgliteOf(db: Database): PGlite | undefined {
  return db instanceof EmbeddedDatabase ? db.pglite : undefined;
}
