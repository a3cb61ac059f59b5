import { parseDuration } from '../config/duration.ts';
import type { RateLimitConfig } from '../config/schema.ts';
import { DatabaseError } from '../db/errors.ts';
import type { Queryable } from '../db/shared.ts';
import { bucketSizeProblem } from './bucket.ts';
import { RateLimitConfigError } from './errors.ts';
import { RATE_LIMIT_ROLES, type RoleName } from './shared.ts';

/** Requests per window for each role. */
export type RoleLimits = Record<RoleName, number>;

/** Limits as written: `anonymous` (the guide's name) or `anon`. */
export interface LimitsInput {
  anonymous?: number;
  anon?: number;
  authenticated?: number;
  service_role?: number;
}

/** The guide's defaults: 100, 1000 and 10000 requests a minute. */
export const DEFAULT_LIMITS: Readonly<RoleLimits> = {
  anon: 100,
  authenticated: 1000,
  service_role: 10_000,
};

function checkLimit(role: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RateLimitConfigError(
      `ratelimit.limits.${role}: must be a whole number of requests, 0 or more (got ${value})`,
    );
  }
  return value;
}

/**
 * The limit of each role, defaults filled in.
 *
 * @example
 * resolveLimits({ anonymous: 50 }); // { anon: 50, authenticated: 1000, service_role: 10000 }
 */
export function resolveLimits(input: LimitsInput = {}): RoleLimits {
  const anon = input.anon ?? input.anonymous ?? DEFAULT_LIMITS.anon;
  return {
    anon: checkLimit('anonymous', anon),
    authenticated: checkLimit(
      'authenticated',
      input.authenticated ?? DEFAULT_LIMITS.authenticated,
    ),
    service_role: checkLimit(
      'service_role',
      input.service_role ?? DEFAULT_LIMITS.service_role,
    ),
  };
}

/** The config name of a role's limit. */
const CONFIG_NAME: Record<RoleName, string> = {
  anon: 'anonymous',
  authenticated: 'authenticated',
  service_role: 'service_role',
};

/**
 * Refuses limits that some backend could not count exactly over a window
 * of `windowMs`.
 *
 * @example
 * checkBucketSizes(resolveLimits(), 60_000);
 */
export function checkBucketSizes(limits: RoleLimits, windowMs: number): void {
  for (const role of RATE_LIMIT_ROLES) {
    const problem = bucketSizeProblem(limits[role], windowMs);
    if (problem) {
      throw new RateLimitConfigError(
        `ratelimit.limits.${CONFIG_NAME[role]}: ${problem}`,
      );
    }
  }
}

/**
 * The role whose limit applies: one of the three, else anon (a role
 * without limits of its own gets the strictest).
 *
 * @example
 * limitRole('authenticated'); // 'authenticated'
 * limitRole('custom'); // 'anon'
 */
export function limitRole(role: string | undefined): RoleName {
  return (RATE_LIMIT_ROLES as readonly string[]).includes(role ?? '')
    ? (role as RoleName)
    : 'anon';
}

/** Milliseconds in a window given as text (`1m`) or a number of ms. */
export function windowMs(window: string | number | undefined): number {
  if (window === undefined) return 60_000;
  const ms = typeof window === 'number' ? window : parseDuration(window);
  if (ms === undefined || !Number.isInteger(ms) || ms < 1) {
    throw new RateLimitConfigError(
      `ratelimit.window: must be a duration of at least 1 ms such as 30s or 1m (got ${JSON.stringify(window)})`,
    );
  }
  return ms;
}

/**
 * Writes the limits of the `ratelimit` block into `ratelimit.limits`, the
 * table `ratelimit.check()` reads.
 *
 * @example
 * await syncLimits(db, config.ratelimit);
 */
export async function syncLimits(
  db: Queryable,
  config: Pick<RateLimitConfig, 'limits' | 'window'>,
): Promise<RoleLimits> {
  const limits = resolveLimits(config.limits);
  const period = windowMs(config.window);
  checkBucketSizes(limits, period);
  await packQuery(
    db,
    `insert into ratelimit.limits (role, capacity, period)
     select role, capacity, $3::bigint * interval '1 millisecond'
       from unnest($1::text[], $2::int[]) as l(role, capacity)
     on conflict (role) do update
       set capacity = excluded.capacity, period = excluded.period`,
    [Object.keys(limits), Object.values(limits), period],
  );
  return limits;
}

const NOT_INSTALLED = new Set(['3F000', '42P01', '42883']);

/** Runs a query on the pack; says so when the pack is not installed. */
async function packQuery<R>(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<R[]> {
  try {
    return (await db.query<R>(text, values)).rows;
  } catch (error) {
    if (error instanceof DatabaseError && NOT_INSTALLED.has(error.sqlState)) {
      throw new RateLimitConfigError(
        'the ratelimit schema is not installed in this database: run `fluxbase-cli migrate up` first',
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Drops the buckets of `ratelimit.buckets` untouched for `olderThan`
 * (default 1h); returns how many. A bucket idle for its whole window is
 * full again, so this changes no decision while `olderThan` is at least
 * the window.
 *
 * @example
 * await purgeBuckets(db, '1h'); // 1234
 */
export async function purgeBuckets(
  db: Queryable,
  olderThan: string | number = '1h',
): Promise<number> {
  const ms = windowMs(olderThan);
  const rows = await packQuery<{ n: string }>(
    db,
    `select ratelimit.purge($1::bigint * interval '1 millisecond') as n`,
    [ms],
  );
  return Number(rows[0]!.n);
}
