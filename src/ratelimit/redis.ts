import { Redis } from 'ioredis';

import { TAKE_SCRIPT, TAKE_SCRIPT_SHA } from './script.ts';
import type {
  BucketDecision,
  RateLimitBackend,
  TakeRequest,
} from './shared.ts';

export interface RedisBackendOptions {
  /** A client to use (left open on close); else one is made from `url`. */
  redis?: Redis;
  /** redis://… (default redis://127.0.0.1:6379). */
  url?: string;
  /** Put before every bucket key (default `ratelimit:`). */
  keyPrefix?: string;
  /** How long the first call waits for the connection (default 1000 ms). */
  connectTimeoutMs?: number;
}

/**
 * A client set up for limiting: no offline queue and one retry, so that a
 * call fails at once while Redis is away (and the fallback decides)
 * instead of waiting for it; it reconnects in the background.
 *
 * @example
 * const redis = createRedisClient('redis://127.0.0.1:6379');
 */
export function createRedisClient(url = 'redis://127.0.0.1:6379'): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 50, 1000),
  });
  redis.on('error', () => {
    // Reported through the calls that fail; the client reconnects.
  });
  return redis;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Buckets in Redis, decided by one Lua script on Redis's clock: shared by
 * every instance, and safe on Redis Cluster (one key a call, with a hash
 * tag).
 *
 * @example
 * const backend = new RedisBackend({ url: 'redis://127.0.0.1:6379' });
 * await backend.take({ key: 'k', capacity: 10, periodMs: 1000, cost: 1 });
 * await backend.close();
 */
export class RedisBackend implements RateLimitBackend {
  readonly name = 'redis';
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #prefix: string;
  #ready: Promise<void> | undefined;

  constructor(options: RedisBackendOptions = {}) {
    this.#owned = options.redis === undefined;
    this.#redis = options.redis ?? createRedisClient(options.url);
    this.#prefix = options.keyPrefix ?? 'ratelimit:';
    this.#ready = this.#firstConnect(options.connectTimeoutMs ?? 1000);
  }

  /** The Redis key of a bucket: `{key}` is the Cluster hash tag. */
  keyOf(key: string): string {
    return `${this.#prefix}{${key}}`;
  }

  async take(request: TakeRequest): Promise<BucketDecision> {
    if (this.#ready) await this.#ready;
    const args = [request.capacity, request.periodMs, request.cost];
    if (request.nowMs !== undefined) args.push(request.nowMs);
    const reply = (await this.#run(this.keyOf(request.key), args)) as number[];
    return {
      allowed: reply[0] === 1,
      remaining: reply[1]!,
      retryAfterMs: reply[2]!,
      resetMs: reply[3]!,
    };
  }

  async #run(key: string, args: number[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(TAKE_SCRIPT_SHA, 1, key, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return this.#redis.eval(TAKE_SCRIPT, 1, key, ...args);
    }
  }

  /** Waits for the first connection, but never longer than `ms`. */
  #firstConnect(ms: number): Promise<void> | undefined {
    if (this.#redis.status === 'ready') return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#redis.off('ready', done);
        this.#ready = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#redis.once('ready', done);
    });
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#redis.quit().catch(() => undefined);
  }
}
