import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load.ts';

import {
  createRateLimiter,
  PostgresBackend,
  type RateLimitBackend,
  RateLimitConfigError,
  type RateLimiter,
  RateLimitRequestError,
  type RateLimitResult,
  rateLimiterFromConfig,
} from '../../src/ratelimit/index.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { dropKeys, REDIS_URL, testRedis, uniquePrefix } from './support.ts';

const prefix = uniquePrefix('backends');
const redis = testRedis();
let t: TestDatabase;
let now = 0;
const clock = () => now;

// The database decides on its own clock; this file's database reads the
// time from a table instead, which the postgres backend below sets to the
// time of each request, so that all three backends see the same times.
beforeAll(async () => {
  t = await freshDatabase();
  await t.db.exec(`
    create table public.test_clock (ms bigint not null);
    insert into public.test_clock values (0);
    create or replace function ratelimit.clock_ms() returns bigint
    language sql volatile
    as $$ select ms from public.test_clock $$;
  `);
});

function postgresAt(): RateLimitBackend {
  const backend = new PostgresBackend(t.db);
  return {
    name: 'postgres',
    async take(request) {
      await t.db.query('update public.test_clock set ms = $1', [request.nowMs]);
      return backend.take(request);
    },
    close: () => backend.close(),
  };
}
afterAll(async () => {
  await dropKeys(redis, prefix);
  redis.disconnect();
  await t.drop();
});

const BACKENDS = ['memory', 'postgres', 'redis'] as const;

function limiter(backend: (typeof BACKENDS)[number]): RateLimiter {
  return createRateLimiter({
    backend: backend === 'postgres' ? postgresAt() : backend,
    redis,
    keyPrefix: `${prefix}${backend}:`,
    limits: { anonymous: 5, authenticated: 8, service_role: 20 },
    window: '1m',
    globalRateLimit: true,
    clock,
  });
}

interface Step {
  dt: number;
  key: string;
  role: string;
  cost: number;
}

/** A fixed pseudo-random sequence of requests (xorshift, seed 42). */
function sequence(length: number): Step[] {
  let x = 42;
  const next = (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const roles = ['anon', 'authenticated', 'service_role'];
  return Array.from({ length }, () => ({
    dt: next(4) === 0 ? 0 : next(25_000),
    key: `client-${next(3)}`,
    role: roles[next(3)]!,
    cost: 1 + next(4),
  }));
}

async function replay(l: RateLimiter, steps: Step[], start: number) {
  const results: RateLimitResult[] = [];
  now = start;
  for (const step of steps) {
    now += step.dt;
    results.push(await l.consume(step));
  }
  return results;
}

describe('the three backends', () => {
  it('give the same decisions for the same sequence of requests', async () => {
    const steps = sequence(120);
    const start = Date.now();
    const memory = await replay(limiter('memory'), steps, start);
    const postgres = await replay(limiter('postgres'), steps, start);
    const fromRedis = await replay(limiter('redis'), steps, start);
    expect(postgres).toEqual(memory);
    expect(fromRedis).toEqual(memory);
    const admitted = memory.filter((r) => r.allowed).length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThan(steps.length);
  });

  it.each(BACKENDS)(
    '%s: spends a cost above 1 and refuses what is not left',
    async (backend) => {
      const l = limiter(backend);
      now = Date.now();
      const key = `cost-${backend}`;
      const first = await l.consume({ key, cost: 3 });
      const second = await l.consume({ key, cost: 3 });
      const third = await l.consume({ key, cost: 2 });
      expect([first, second, third]).toEqual([
        {
          allowed: true,
          limit: 5,
          remaining: 2,
          retryAfterMs: 0,
          resetMs: 36_000,
        },
        {
          allowed: false,
          limit: 5,
          remaining: 2,
          retryAfterMs: 12_000,
          resetMs: 36_000,
        },
        {
          allowed: true,
          limit: 5,
          remaining: 0,
          retryAfterMs: 0,
          resetMs: 60_000,
        },
      ]);
    },
  );

  it.each(BACKENDS)('%s: gives each role its own limit', async (backend) => {
    const l = limiter(backend);
    now = Date.now();
    const admitted: Record<string, number> = {};
    for (const role of ['anon', 'authenticated', 'service_role', 'custom']) {
      let n = 0;
      for (let i = 0; i < 25; i++) {
        const r = await l.consume({ key: `role-${backend}`, role });
        if (r.allowed) n++;
      }
      admitted[role] = n;
    }
    expect(admitted).toEqual({
      anon: 5,
      authenticated: 8,
      service_role: 20,
      custom: 0,
    });
  });
});

describe('createRateLimiter', () => {
  it('refuses a cost above the limit of the role', async () => {
    const l = limiter('memory');
    await expect(l.consume({ key: 'k', cost: 6 })).rejects.toThrow(
      new RateLimitRequestError(
        'ratelimit: cost must be a whole number between 1 and the anon limit (5), got 6',
      ),
    );
  });

  it('refuses an empty key', async () => {
    await expect(limiter('memory').consume({ key: '' })).rejects.toThrow(
      'ratelimit: the key must not be empty',
    );
  });

  it('refuses limits that a backend could not count exactly', () => {
    expect(() =>
      createRateLimiter({
        backend: 'memory',
        limits: { service_role: 2_000_000_000 },
        window: '52w',
      }),
    ).toThrow(
      new RateLimitConfigError(
        'ratelimit.limits.service_role: 2000000000 per 31449600000 ms is too many to count exactly: the limit times the window in milliseconds must be at most 9007199254740991; use a smaller limit or a shorter window',
      ),
    );
  });

  it('needs a database for the postgres backend', () => {
    expect(() => createRateLimiter({ backend: 'postgres' })).toThrow(
      new RateLimitConfigError(
        'ratelimit: the postgres backend needs a database: pass `db`',
      ),
    );
  });

  it('denies every request of a role whose limit is 0', async () => {
    const l = createRateLimiter({ backend: 'memory', limits: { anon: 0 } });
    expect(await l.consume({ key: 'k' })).toEqual({
      allowed: false,
      limit: 0,
      remaining: 0,
      retryAfterMs: 1000,
      resetMs: 1000,
    });
  });

  it('keeps a bucket per route unless the limit is global', async () => {
    const perRoute = createRateLimiter({
      backend: 'memory',
      limits: { anon: 1 },
    });
    await perRoute.consume({ key: 'k', scope: 'GET /a' });
    expect(
      (await perRoute.consume({ key: 'k', scope: 'GET /b' })).allowed,
    ).toBe(true);
    const global = createRateLimiter({
      backend: 'memory',
      limits: { anon: 1 },
      globalRateLimit: true,
    });
    await global.consume({ key: 'k', scope: 'GET /a' });
    expect((await global.consume({ key: 'k', scope: 'GET /b' })).allowed).toBe(
      false,
    );
  });

  it('uses the Redis at REDIS_URL when given a URL', async () => {
    const l = createRateLimiter({
      backend: 'redis',
      redisUrl: REDIS_URL,
      keyPrefix: `${prefix}url:`,
      limits: { anon: 2 },
    });
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push((await l.consume({ key: 'k' })).allowed);
    }
    await l.close();
    expect(results).toEqual([true, true, false]);
  });
});

describe('the ratelimit block of fluxbase.yaml', () => {
  function configFile(text: string): string {
    const file = join(tmpdir(), `fluxbase-ratelimit-${process.pid}.yaml`);
    writeFileSync(file, text);
    return file;
  }

  it('needs redis_url for the redis backend', () => {
    const file = configFile('ratelimit:\n  backend: redis\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(
      `invalid configuration in ${file} (1 problem):\n  ratelimit.redis_url (line 1): the redis backend needs redis_url (e.g. redis://127.0.0.1:6379)`,
    );
  });

  it('makes the limiter the guide describes', async () => {
    const file = configFile(
      [
        'ratelimit:',
        '  backend: memory',
        '  global_rate_limit: true',
        '  window: 30s',
        '  limits: { anonymous: 7 }',
      ].join('\n'),
    );
    const { config } = loadConfig({ file, env: {} });
    const l = rateLimiterFromConfig(config.ratelimit);
    expect([l.backend, l.windowMs, l.globalRateLimit, l.limits]).toEqual([
      'memory',
      30_000,
      true,
      { anon: 7, authenticated: 1000, service_role: 10_000 },
    ]);
    expect((await l.consume({ key: 'k' })).limit).toBe(7);
  });
});
