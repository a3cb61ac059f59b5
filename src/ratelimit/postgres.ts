import type { Queryable } from '../db/shared.ts';
import type {
  BucketDecision,
  RateLimitBackend,
  TakeRequest,
} from './shared.ts';

// In the select list, not `select * from`: a function scan costs a sixth
// of the throughput. The row comes back as the text of a record of four
// numbers and booleans, `(t,1,0,40000)`.
const TAKE = `select ratelimit.take($1, $2,
  $3::bigint * interval '1 millisecond', $4)::text as r`;

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
    const { key, capacity, periodMs, cost } = request;
    const { rows } = await this.#db.query<{ r: string }>(TAKE, [
      key,
      capacity,
      periodMs,
      cost,
    ]);
    return parseRecord(rows[0]!.r);
  }

  /** The database belongs to the caller; nothing to close. */
  async close(): Promise<void> {}
}
