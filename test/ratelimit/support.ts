import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';

/** The Redis the tests use: REDIS_URL, else the local one on 6379. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for one test file, so files never collide. */
export function uniquePrefix(what: string): string {
  return `fluxbase-test:${what}:${randomBytes(6).toString('hex')}:`;
}

/** A client on the tests' Redis. */
export function testRedis(url = REDIS_URL): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** Deletes every key under `prefix`. */
export async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** The most a bucket may admit in `elapsedMs`: full plus what refilled. */
export function admitBound(
  limit: number,
  windowMs: number,
  elapsedMs: number,
): number {
  return limit + Math.floor((elapsedMs * limit) / windowMs) + 1;
}
