import type { Queryable } from '../db/shared.ts';
import type {
  BucketDecision,
  RateLimitBackend,
  TakeRequest,
} from './shared.ts';

// In the select list, not `select * from`: a function scan costs a sixth
// of the throughput. All four arguments, so that no default is filled in
// while the statement is planned, and the period as interval text
// (`60000 ms`), which parses faster than a multiplied interval. The record
// comes back as its text, `(t,1,0,40000)`: a cast to text would run the
// record's output twice.
export const TAKE_SQL = 'select ratelimit.take($1, $2, $3::interval, $4) as r';

/** The values of TAKE_SQL for a request. */
export function takeValues(request: TakeRequest): unknown[] {
  const { key, capacity, periodMs, cost } = request;
  return [key, capacity, `${periodMs} ms`, cost];
}

/** Reads `(t,1,0,40000)`. */
function parseRecord(text: string): BucketDecision {
  const [allowed, remaining, retry, reset] = text.slice(1, -1).split(',');
  return {
    allowed: allowed === 't',
    remaining: Number(remaining),
    retryAfterMs: Number(retry),
    resetMs: Number(reset),
  };
}

/**
 * Buckets in `ratelimit.buckets`, decided by `ratelimit.take()` on the
 * database's clock: shared by every instance that uses the database. The
 * role it connects as must be service_role (or be granted it) or own the
 * pack.
 *
 * Limitation: `nowMs` is ignored, since the decision is always on the
 * database's clock (`ratelimit.clock_ms()`, which a test database may
 * replace).
 *
 * @example
 * const backend = new PostgresBackend(db);
 * await backend.take({ key: 'k', capacity: 10, periodMs: 1000, cost: 1 });
 */
export class PostgresBackend implements RateLimitBackend {
  readonly name = 'postgres';
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async take(request: TakeRequest): Promise<BucketDecision> {
    const { rows } = await this.#db.query<{ r: string }>(
      TAKE_SQL,
      takeValues(request),
    );
    return parseRecord(rows[0]!.r);
  }

  /** The database belongs to the caller; nothing to close. */
  async close(): Promise<void> {}
}
