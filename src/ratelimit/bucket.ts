import type { BucketDecision, TakeRequest } from './shared.ts';

/**
 * A bucket's state. Tokens are counted in units of 1/periodMs of a token,
 * so that a millisecond adds exactly `capacity` units and all arithmetic is
 * on whole numbers (the SQL function and the Redis script do the same).
 */
export interface BucketState {
  units: number;
  updatedMs: number;
}

/** A decision and, when it passed, the bucket's new state. */
export interface BucketStep {
  decision: BucketDecision;
  next: BucketState | undefined;
}

/** The largest capacity: ratelimit.take() takes an integer. */
export const MAX_CAPACITY = 2_147_483_647;

/**
 * The most units a bucket may hold, capacity times period in ms: the
 * largest whole number that JavaScript and Redis's Lua count exactly.
 */
export const MAX_BUCKET_UNITS = Number.MAX_SAFE_INTEGER;

/**
 * Why `capacity` tokens per `periodMs` cannot be counted exactly by every
 * backend, or undefined when they can.
 *
 * @example
 * bucketSizeProblem(100, 60_000); // undefined
 */
export function bucketSizeProblem(
  capacity: number,
  periodMs: number,
): string | undefined {
  if (capacity > MAX_CAPACITY) {
    return `must be at most ${MAX_CAPACITY} (got ${capacity})`;
  }
  if (capacity * periodMs > MAX_BUCKET_UNITS) {
    return `${capacity} per ${periodMs} ms is too many to count exactly: the limit times the window in milliseconds must be at most ${MAX_BUCKET_UNITS}; use a smaller limit or a shorter window`;
  }
  return undefined;
}

function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** The units in a bucket at `nowMs` (a missing bucket is full). */
export function unitsAt(
  state: BucketState | undefined,
  request: TakeRequest,
  nowMs: number,
): number {
  const full = request.capacity * request.periodMs;
  if (!state) return full;
  const elapsed = Math.min(
    Math.max(nowMs - state.updatedMs, 0),
    request.periodMs,
  );
  return Math.min(full, state.units + elapsed * request.capacity);
}

/**
 * Takes `cost` tokens at `nowMs`: the token bucket of the whole library.
 *
 * @example
 * const step = takeTokens(undefined, {
 *   key: 'k', capacity: 3, periodMs: 60_000, cost: 2,
 * }, 1000);
 * step.decision; // { allowed: true, remaining: 1, retryAfterMs: 0, resetMs: 40000 }
 */
export function takeTokens(
  state: BucketState | undefined,
  request: TakeRequest,
  nowMs: number,
): BucketStep {
  const { capacity, periodMs, cost } = request;
  const full = capacity * periodMs;
  const need = cost * periodMs;
  const before = unitsAt(state, request, nowMs);
  const allowed = before >= need;
  const left = allowed ? before - need : before;
  const updatedMs = Math.max(state?.updatedMs ?? nowMs, nowMs);

  return {
    decision: {
      allowed,
      remaining: Math.floor(left / periodMs),
      retryAfterMs: allowed ? 0 : ceilDiv(need - left, capacity),
      resetMs: ceilDiv(full - left, capacity),
    },
    next: allowed ? { units: left, updatedMs } : undefined,
  };
}
