import pg from 'pg';

import { ConnectionError } from '../errors.ts';
import { wrapPgError } from './errors.ts';
import { quoteIdent } from './quote.ts';
import type { Database, QueryResult, Session } from './shared.ts';
import { describeServer, redactUrl } from './url.ts';

export interface ServerOptions {
  url: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ENOENT',
  'EAI_AGAIN',
]);
const CONNECT_SQLSTATES = /^(08|28|3D)/;

/** Opens a pg Pool and checks that it connects. */
export async function openServer(options: ServerOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'fluxbase-security',
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it.
  });

  const db = new ServerDatabase(pool, options.url);
  await db.ping();
  return db;
}

/** Says why a connection failed, in words and without the password. */
export function connectionError(url: string, error: unknown): ConnectionError {
  const reason = error instanceof Error ? error.message : String(error);
  const clean = reason.replaceAll(url, redactUrl(url));
  return new ConnectionError(
    `cannot connect to ${describeServer(url)}: ${clean}`,
    { cause: error },
  );
}

function isConnectFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error instanceof Error;
  return NETWORK_CODES.has(code) || CONNECT_SQLSTATES.test(code);
}

async function runScript(
  client: pg.Pool | pg.PoolClient,
  script: string,
): Promise<QueryResult[]> {
  try {
    const result = (await client.query(script)) as unknown as
      | pg.QueryResult
      | pg.QueryResult[];
    const all = Array.isArray(result) ? result : [result];
    return all.map((r) => ({ rows: r.rows ?? [], rowCount: r.rowCount ?? 0 }));
  } catch (error) {
    throw wrapPgError(error);
  }
}

async function run<R>(
  client: pg.Pool | pg.PoolClient,
  text: string,
  values?: readonly unknown[],
): Promise<QueryResult<R>> {
  try {
    const result = await client.query(text, values as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  } catch (error) {
    throw wrapPgError(error);
  }
}

class PoolSession implements Session {
  readonly #client: pg.PoolClient;
  #broken = false;
  readonly #onError = () => {
    this.#broken = true;
  };

  constructor(client: pg.PoolClient) {
    this.#client = client;
    // A checked-out client has no listener of the pool's: without this one
    // a connection cut mid-transaction is an unhandled 'error' event. The
    // query in flight fails instead, and the client is discarded.
    client.on('error', this.#onError);
  }

  query<R>(text: string, values?: readonly unknown[]) {
    return run<R>(this.#client, text, values);
  }

  exec(script: string): Promise<QueryResult[]> {
    return runScript(this.#client, script);
  }

  async release(): Promise<void> {
    this.#client.off('error', this.#onError);
    this.#client.release(this.#broken);
  }

  /** The pg client under this session, for node-pg-migrate. */
  get client(): pg.PoolClient {
    return this.#client;
  }
}

class ServerDatabase implements Database {
  readonly kind = 'server';
  readonly label: string;
  readonly #pool: pg.Pool;
  readonly #url: string;

  constructor(pool: pg.Pool, url: string) {
    this.#pool = pool;
    this.#url = url;
    this.label = describeServer(url);
  }

  async ping(): Promise<void> {
    try {
      const client = await this.#pool.connect();
      client.release();
    } catch (error) {
      await this.#pool.end().catch(() => undefined);
      if (isConnectFailure(error)) throw connectionError(this.#url, error);
      throw wrapPgError(error);
    }
  }

  query<R>(text: string, values?: readonly unknown[]) {
    return run<R>(this.#pool, text, values);
  }

  exec(script: string): Promise<QueryResult[]> {
    return runScript(this.#pool, script);
  }

  async session(): Promise<Session> {
    try {
      return new PoolSession(await this.#pool.connect());
    } catch (error) {
      if (isConnectFailure(error)) throw connectionError(this.#url, error);
      throw wrapPgError(error);
    }
  }

  async transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T> {
    const session = (await this.session()) as PoolSession;
    try {
      await session.query('begin');
      const result = await fn(session);
      await session.query('commit');
      return result;
    } catch (error) {
      await session.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      await session.release();
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void) {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('error', () => undefined);
    await client.connect().catch((error: unknown) => {
      throw connectionError(this.#url, error);
    });
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    await client.query(`listen ${quoteIdent(channel)}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** The pg client behind a server session, or undefined for embedded ones. */
export function pgClientOf(session: Session): pg.PoolClient | undefined {
  return session instanceof PoolSession ? session.client : undefined;
}
