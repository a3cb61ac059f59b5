import type { Queryable } from '../db/shared.ts';
import type { Decision, RateLimitBackend, TakeRequest } from './shared.ts';

interface TakeRow {
  allowed: boolean;
  remaining: number;
  retry_after_ms: string | number;
  reset_ms: string | number;
}

const TAKE = `select allowed, remaining, retry_after_ms, reset_ms
  from ratelimit.take($1, $2, $3::bigint * interval '1 millisecond', $4)`;

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

  async take(request: TakeRequest): Promise<Decision> {
    const { key, capacity, periodMs, cost } = request;
    const { rows } = await this.#db.query<TakeRow>(TAKE, [
      key,
      capacity,
      periodMs,
      cost,
    ]);
    const row = rows[0]!;
    return {
      allowed: row.allowed,
      remaining: row.remaining,
      retryAfterMs: Number(row.retry_after_ms),
      resetMs: Number(row.reset_ms),
    };
  }

  /** The database belongs to the caller; nothing to close. */
  async close(): Promise<void> {}
}
