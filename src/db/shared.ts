/** One row set, as both drivers return it. */
export interface QueryResult<R = Record<string, unknown>> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs one parameterised statement. */
export interface Queryable {
  query<R = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

/** A single session: statements run in order on one backend. */
export interface Session extends Queryable {
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<QueryResult[]>;
  /** Gives the session back (to its pool, or nothing for embedded). */
  release(): Promise<void>;
}

export type Notification = { channel: string; payload: string };

/**
 * The one interface over a pg Pool and embedded PGlite.
 *
 * @example
 * const db = await openDatabase({ url: 'memory://' });
 * const { rows } = await db.query('select $1::int as n', [1]);
 * await db.close();
 */
export interface Database extends Queryable {
  /** `server` for a pg Pool, `embedded` for PGlite. */
  readonly kind: 'server' | 'embedded';
  /** Where it points, with any password hidden. */
  readonly label: string;
  /** Runs `fn` in one transaction: COMMIT when it resolves, else ROLLBACK. */
  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T>;
  /**
   * A dedicated session. On the embedded database every session is the
   * same backend, so use it only for work that needs statement order, not
   * isolation.
   */
  session(): Promise<Session>;
  /** Runs a script of several statements; the rows of each, in order. */
  exec(script: string): Promise<QueryResult[]>;
  /** Calls `onNotify` for each NOTIFY on `channel`; returns an unlisten. */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
