/** The request roles that have limits of their own. */
export const RATE_LIMIT_ROLES = [
  'anon',
  'authenticated',
  'service_role',
] as const;

/** A request role: `anon`, `authenticated` or `service_role`. */
export type RoleName = (typeof RATE_LIMIT_ROLES)[number];

/** What a bucket says about one request. */
export interface BucketDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Milliseconds until the request could pass; 0 when it passed. */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

/** A decision with the limit it was made against. */
export interface RateLimitResult extends BucketDecision {
  /** The bucket's capacity: requests per window. */
  limit: number;
}

/** One call to a backend: take `cost` tokens from the bucket `key`. */
export interface TakeRequest {
  key: string;
  /** Tokens the bucket holds when full, and refills per period. */
  capacity: number;
  periodMs: number;
  cost: number;
  /**
   * The time to decide at, in milliseconds since the epoch. Only for tests
   * and simulations; by default each backend uses its own clock.
   */
  nowMs?: number | undefined;
}

/**
 * Where buckets live. Every backend gives the same decision for the same
 * sequence of requests at the same times.
 */
export interface RateLimitBackend {
  /** `postgres`, `redis` or `memory`. */
  readonly name: string;
  take(request: TakeRequest): Promise<BucketDecision>;
  /** Frees what the backend opened itself. */
  close(): Promise<void>;
}
