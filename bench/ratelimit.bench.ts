import { once } from 'node:events';

import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';

import type { Database } from '../src/db/shared.ts';
import { createRateLimiter } from '../src/ratelimit/limiter.ts';
import { TAKE_SQL, takeValues } from '../src/ratelimit/postgres.ts';
import { createRedisClient, RedisBackend } from '../src/ratelimit/redis.ts';
import { benchDatabase } from './database.ts';
import {
  type Benchmark,
  type BenchReport,
  type Measurement,
  measure,
  ratioOf,
} from './harness.ts';

const CONNECTIONS = 16;
const OPS = 3000;
const KEYS = 10_000;
const ROUNDS = 20;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CAPACITY = 1_000_000_000;
const PERIOD_MS = 60_000;

/** Runs `ops` calls of `fn` on CONNECTIONS concurrent workers. */
async function concurrently(
  ops: number,
  fn: (worker: number, i: number) => Promise<unknown>,
): Promise<void> {
  const per = Math.ceil(ops / CONNECTIONS);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, w) => {
      for (let i = 0; i < per; i++) await fn(w, w * per + i);
    }),
  );
}

type Case = [name: string, fn: (w: number, i: number) => Promise<unknown>];

/**
 * Times each case ROUNDS times, interleaved, and sums the rounds. Every
 * other round runs the cases in reverse, so that none always follows the
 * same neighbour (a vacuum or checkpoint left by the one before).
 */
async function interleaved(cases: Case[]): Promise<Measurement[]> {
  const totals = cases.map(([name]) => ({ name, ops: 0, seconds: 0 }));
  const forward = [...cases.entries()];
  const backward = [...forward].reverse();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [name, fn]] of round % 2 ? backward : forward) {
      const m = await measure(name, OPS, () => concurrently(OPS, fn));
      totals[index]!.ops += m.ops;
      totals[index]!.seconds += m.seconds;
    }
  }
  return totals;
}

const FLOOR = `insert into bench_floor as b (key, tokens, updated_ms)
  values ($1, 1, $2)
  on conflict (key) do update
    set tokens = b.tokens + 1, updated_ms = excluded.updated_ms`;

/** take() as the postgres backend calls it, with the same statement. */
const take = (db: Database, key: string) =>
  db.query(
    TAKE_SQL,
    takeValues({ key, capacity: CAPACITY, periodMs: PERIOD_MS, cost: 1 }),
  );

async function postgresCases(db: Database): Promise<Measurement[]> {
  await db.exec(`create unlogged table bench_floor (
    key text primary key, tokens bigint not null, updated_ms bigint not null)`);
  const key = (i: number) => `k${i % KEYS}`;
  return interleaved([
    ['postgres: select 1', () => db.query('select 1')],
    [
      'postgres: write floor, 10k keys',
      (_, i) => db.query(FLOOR, [key(i), Date.now()]),
    ],
    ['postgres: ratelimit.take(), 10k keys', (_, i) => take(db, key(i))],
    [
      'postgres: write floor, one hot key',
      () => db.query(FLOOR, ['hot', Date.now()]),
    ],
    ['postgres: ratelimit.take(), one hot key', () => take(db, 'hot')],
  ]);
}

async function libraryCases(db: Database, url: string) {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  const flexible = await new Promise<RateLimiterPostgres>((resolve, reject) => {
    const limiter = new RateLimiterPostgres(
      {
        storeClient: pool,
        tableName: 'bench_flexible',
        points: CAPACITY,
        duration: 60,
      },
      (error?: unknown) => (error ? reject(error) : resolve(limiter)),
    );
  });
  const ours = createRateLimiter({
    backend: 'postgres',
    db,
    limits: { service_role: CAPACITY },
  });
  try {
    return await interleaved([
      [
        'rate-limiter-flexible postgres, 10k keys',
        (_, i) => flexible.consume(`f${i % KEYS}`),
      ],
      [
        'our postgres limiter (token bucket), 10k keys',
        (_, i) => ours.consume({ key: `o${i % KEYS}`, role: 'service_role' }),
      ],
    ]);
  } finally {
    await pool.end();
  }
}

async function redisCases(): Promise<Measurement[]> {
  const clients = Array.from({ length: CONNECTIONS }, () =>
    createRedisClient(REDIS_URL),
  );
  const prefix = `bench:${process.pid}:`;
  const backends = clients.map(
    (redis) => new RedisBackend({ redis, keyPrefix: prefix }),
  );
  await Promise.all(
    clients.map((c) => (c.status === 'ready' ? undefined : once(c, 'ready'))),
  );
  const trivial = 'return 1';
  const sha = (await clients[0]!.script('LOAD', trivial)) as string;
  try {
    return await interleaved([
      [
        'redis: trivial EVALSHA, same key and arguments',
        (w, i) =>
          clients[w]!.evalsha(
            sha,
            1,
            `${prefix}{k${i % KEYS}}`,
            CAPACITY,
            PERIOD_MS,
            1,
          ),
      ],
      [
        'redis: backend take(), 10k keys',
        (w, i) =>
          backends[w]!.take({
            key: `k${i % KEYS}`,
            capacity: CAPACITY,
            periodMs: PERIOD_MS,
            cost: 1,
          }),
      ],
    ]);
  } finally {
    const keys = await clients[0]!.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) {
      await clients[0]!.del(...keys.slice(i, i + 1000));
    }
    for (const c of clients) c.disconnect();
  }
}

function byName(all: Measurement[], name: string): Measurement {
  return all.find((m) => m.name === name)!;
}

async function run(): Promise<BenchReport> {
  const bench = await benchDatabase(CONNECTIONS);
  try {
    const all = [
      ...(await postgresCases(bench.db)),
      ...(await libraryCases(bench.db, bench.url)),
      ...(await redisCases()),
    ];
    const m = (name: string) => byName(all, name);
    return {
      measurements: all,
      ratios: [
        ratioOf(
          'take() / write floor, 10k keys',
          m('postgres: ratelimit.take(), 10k keys'),
          m('postgres: write floor, 10k keys'),
          0.8,
        ),
        ratioOf(
          'take() / write floor, one hot key',
          m('postgres: ratelimit.take(), one hot key'),
          m('postgres: write floor, one hot key'),
          0.8,
        ),
        ratioOf(
          'select 1 / write floor, 10k keys (scale)',
          m('postgres: select 1'),
          m('postgres: write floor, 10k keys'),
        ),
        ratioOf(
          'redis take() / trivial EVALSHA',
          m('redis: backend take(), 10k keys'),
          m('redis: trivial EVALSHA, same key and arguments'),
          0.8,
        ),
        ratioOf(
          'ours / rate-limiter-flexible postgres',
          m('our postgres limiter (token bucket), 10k keys'),
          m('rate-limiter-flexible postgres, 10k keys'),
          1,
        ),
      ],
      notes: [
        `${CONNECTIONS} concurrent connections, ${ROUNDS} interleaved rounds of ${OPS} ops each; ${bench.db.label}`,
      ],
    };
  } finally {
    await bench.drop();
  }
}

export default { name: 'ratelimit', run } satisfies Benchmark;
