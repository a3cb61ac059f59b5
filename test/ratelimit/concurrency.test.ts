import { performance } from 'node:perf_hooks';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/shared.ts';
import {
  createRateLimiter,
  type RateLimiter,
} from '../../src/ratelimit/index.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';
import { admitBound, dropKeys, testRedis, uniquePrefix } from './support.ts';

const LIMIT = 100;
const WINDOW_MS = 60_000;
const ATTEMPTS = 2000;
const prefix = uniquePrefix('concurrency');
const clients = Array.from({ length: 4 }, () => testRedis());
let t: TestDatabase;

beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(async () => {
  await dropKeys(clients[0]!, prefix);
  for (const c of clients) c.disconnect();
  await t.drop();
});

/** Fires every attempt at once, spread over the limiters; counts passes. */
async function storm(limiters: RateLimiter[], key: string) {
  const start = performance.now();
  const results = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) =>
      limiters[i % limiters.length]!.consume({ key }),
    ),
  );
  const elapsedMs = performance.now() - start;
  return { admitted: results.filter((r) => r.allowed).length, elapsedMs };
}

function options() {
  return { limits: { anonymous: LIMIT }, window: WINDOW_MS };
}

describe('2000 concurrent attempts against a limit of 100', () => {
  it.skipIf(serverOnly('concurrent sessions on the postgres backend'))(
    'admit exactly the limit plus what refills on postgres',
    async () => {
      const pools: Database[] = [
        await t.open({ max: 12 }),
        await t.open({ max: 12 }),
      ];
      const limiters = pools.map((db) =>
        createRateLimiter({ backend: 'postgres', db, ...options() }),
      );
      const { admitted, elapsedMs } = await storm(limiters, 'storm-pg');
      const { rows } = await t.db.query<{ n: number }>(
        'select count(*)::int as n from ratelimit.buckets',
      );
      expect(rows[0]!.n).toBe(1);
      expect(admitted).toBeGreaterThanOrEqual(LIMIT);
      expect(admitted).toBeLessThanOrEqual(
        admitBound(LIMIT, WINDOW_MS, elapsedMs),
      );
    },
  );

  it('admit exactly the limit plus what refills on redis', async () => {
    const limiters = clients.map((redis) =>
      createRateLimiter({
        backend: 'redis',
        redis,
        keyPrefix: prefix,
        ...options(),
      }),
    );
    const { admitted, elapsedMs } = await storm(limiters, 'storm-redis');
    expect(admitted).toBeGreaterThanOrEqual(LIMIT);
    expect(admitted).toBeLessThanOrEqual(
      admitBound(LIMIT, WINDOW_MS, elapsedMs),
    );
  });
});
