import type { Redis } from 'ioredis';

import type { RateLimitConfig } from '../config/schema.ts';
import type { Queryable } from '../db/shared.ts';
import { RateLimitConfigError, RateLimitRequestError } from './errors.ts';
import {
  checkBucketSizes,
  type LimitsInput,
  limitRole,
  type RoleLimits,
  resolveLimits,
  windowMs,
} from './limits.ts';
import { MemoryBackend } from './memory.ts';
import { PostgresBackend } from './postgres.ts';
import { RedisBackend } from './redis.ts';
import type {
  BucketDecision,
  RateLimitBackend,
  RateLimitResult,
  RoleName,
  TakeRequest,
} from './shared.ts';

/** What to do while the backend fails. */
export type OnBackendError = 'deny' | 'allow' | 'local';

export interface RateLimiterOptions {
  /** Where buckets live, or a backend of your own. */
  backend: 'postgres' | 'redis' | 'memory' | RateLimitBackend;
  /** Requests per window per role (defaults: 100, 1000, 10000). */
  limits?: LimitsInput;
  /** The window: `1m`, `30s`, … or milliseconds (default 1m). */
  window?: string | number;
  /** One bucket per client for every route (else one per route). */
  globalRateLimit?: boolean;
  /** The database, for the postgres backend. */
  db?: Queryable;
  /** The Redis URL for the redis backend (or pass `redis`). */
  redisUrl?: string;
  redis?: Redis;
  /** Put before every Redis key (default `ratelimit:`). */
  keyPrefix?: string;
  /** deny, allow or local (default: an in-process limiter takes over). */
  onBackendError?: OnBackendError;
  /** While failing, ask the backend again at most this often (1000 ms). */
  probeIntervalMs?: number;
  /** Where outage and recovery are reported (default: stderr). */
  log?: (message: string) => void;
  /** Decide at this time instead of each backend's clock (tests only). */
  clock?: () => number;
}

/** One request to count. */
export interface ConsumeRequest {
  /** Who: a user id or a client address. */
  key: string;
  /** Whose limit applies (default anon). */
  role?: RoleName | string | undefined;
  /** Tokens this request costs (default 1). */
  cost?: number;
  /** The route, when limits are per route (ignored when global). */
  scope?: string | undefined;
}

const DENY_RETRY_MS = 1000;

function makeBackend(options: RateLimiterOptions): RateLimitBackend {
  const { backend } = options;
  if (typeof backend === 'object') return backend;
  if (backend === 'memory') return new MemoryBackend();
  if (backend === 'postgres') {
    if (!options.db) {
      throw new RateLimitConfigError(
        'ratelimit: the postgres backend needs a database: pass `db`',
      );
    }
    return new PostgresBackend(options.db);
  }
  if (backend === 'redis') {
    return new RedisBackend({
      redis: options.redis,
      url: options.redisUrl,
      keyPrefix: options.keyPrefix,
    });
  }
  throw new RateLimitConfigError(
    `ratelimit.backend: unknown backend ${JSON.stringify(backend)}: use postgres, redis or memory`,
  );
}

function defaultLog(message: string): void {
  process.stderr.write(`${message}\n`);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Counts requests against per-role token buckets that refill `limit`
 * tokens per window. Made by `createRateLimiter`.
 */
export class RateLimiter {
  readonly limits: Readonly<RoleLimits>;
  readonly windowMs: number;
  readonly globalRateLimit: boolean;
  readonly #backend: RateLimitBackend;
  readonly #onError: OnBackendError;
  readonly #local = new MemoryBackend();
  readonly #probeMs: number;
  readonly #log: (message: string) => void;
  readonly #clock: (() => number) | undefined;
  #failingSince: number | undefined;
  #nextProbe = 0;

  constructor(options: RateLimiterOptions) {
    this.limits = Object.freeze(resolveLimits(options.limits));
    this.windowMs = windowMs(options.window);
    checkBucketSizes(this.limits, this.windowMs);
    this.globalRateLimit = options.globalRateLimit ?? false;
    this.#backend = makeBackend(options);
    this.#onError = options.onBackendError ?? 'local';
    this.#probeMs = options.probeIntervalMs ?? 1000;
    this.#log = options.log ?? defaultLog;
    this.#clock = options.clock;
  }

  /** The backend's name: postgres, redis, memory or your own. */
  get backend(): string {
    return this.#backend.name;
  }

  /** True while the backend fails and the fallback decides. */
  get failing(): boolean {
    return this.#failingSince !== undefined;
  }

  /**
   * Counts one request and says whether it may pass.
   *
   * @example
   * const r = await limiter.consume({ key: 'ip:203.0.113.7' });
   * if (!r.allowed) console.log(`retry in ${r.retryAfterMs} ms`);
   */
  async consume(request: ConsumeRequest): Promise<RateLimitResult> {
    const role = limitRole(request.role);
    const limit = this.limits[role];
    const take = this.#takeRequest(request, role, limit);
    if (limit === 0) return { ...this.#denied(), limit };

    return { ...(await this.#decide(take)), limit };
  }

  #takeRequest(
    request: ConsumeRequest,
    role: RoleName,
    limit: number,
  ): TakeRequest {
    const cost = request.cost ?? 1;
    if (typeof request.key !== 'string' || request.key === '') {
      throw new RateLimitRequestError('ratelimit: the key must not be empty');
    }
    if (!Number.isInteger(cost) || cost < 1 || (limit > 0 && cost > limit)) {
      throw new RateLimitRequestError(
        `ratelimit: cost must be a whole number between 1 and the ${role} limit (${limit}), got ${cost}`,
      );
    }
    const scoped = this.globalRateLimit || !request.scope;
    const key = scoped
      ? `${role}:${request.key}`
      : `${role}:${request.key}:${request.scope}`;
    const nowMs = this.#clock?.();
    return { key, capacity: limit, periodMs: this.windowMs, cost, nowMs };
  }

  async #decide(take: TakeRequest): Promise<BucketDecision> {
    const now = Date.now();
    if (this.#failingSince !== undefined && now < this.#nextProbe) {
      return this.#fallback(take);
    }
    try {
      const decision = await this.#backend.take(take);
      this.#recovered(now);
      return decision;
    } catch (error) {
      this.#failed(now, error);
      return this.#fallback(take);
    }
  }

  #failed(now: number, error: unknown): void {
    this.#nextProbe = now + this.#probeMs;
    if (this.#failingSince !== undefined) return;
    this.#failingSince = now;
    this.#log(
      `ratelimit: the ${this.#backend.name} backend failed (${describeError(error)}); ${this.#fallbackWords()} until it answers again`,
    );
  }

  #recovered(now: number): void {
    if (this.#failingSince === undefined) return;
    const seconds = ((now - this.#failingSince) / 1000).toFixed(1);
    this.#failingSince = undefined;
    this.#log(
      `ratelimit: the ${this.#backend.name} backend answers again after ${seconds} s`,
    );
  }

  #fallbackWords(): string {
    if (this.#onError === 'deny') return 'denying every request';
    if (this.#onError === 'allow') return 'allowing every request';
    return 'an in-process limiter decides';
  }

  #fallback(take: TakeRequest): Promise<BucketDecision> | BucketDecision {
    if (this.#onError === 'local') return this.#local.take(take);
    if (this.#onError === 'deny') return this.#denied();
    return {
      allowed: true,
      remaining: take.capacity - take.cost,
      retryAfterMs: 0,
      resetMs: 0,
    };
  }

  #denied(): BucketDecision {
    return {
      allowed: false,
      remaining: 0,
      retryAfterMs: DENY_RETRY_MS,
      resetMs: DENY_RETRY_MS,
    };
  }

  /** Closes what the limiter opened (a Redis client made from a URL). */
  async close(): Promise<void> {
    await this.#backend.close();
    await this.#local.close();
  }
}

/**
 * Makes a rate limiter.
 *
 * @example
 * const limiter = createRateLimiter({
 *   backend: 'redis',
 *   redisUrl: 'redis://127.0.0.1:6379',
 *   limits: { anonymous: 100, authenticated: 1000, service_role: 10000 },
 *   window: '1m',
 * });
 * const result = await limiter.consume({ key: 'ip:203.0.113.7' });
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  return new RateLimiter(options);
}

/**
 * The limiter the `ratelimit` block of fluxbase.yaml describes.
 *
 * @example
 * const limiter = rateLimiterFromConfig(config.ratelimit, { db });
 */
export function rateLimiterFromConfig(
  config: RateLimitConfig,
  extra: Omit<RateLimiterOptions, 'backend'> = {},
): RateLimiter {
  return createRateLimiter({
    backend: config.backend,
    limits: config.limits,
    window: config.window,
    globalRateLimit: config.global_rate_limit,
    redisUrl: config.redis_url,
    onBackendError: config.on_backend_error,
    ...extra,
  });
}
