import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createRateLimiter,
  type OnBackendError,
  TAKE_SCRIPT_SHA,
} from '../../src/ratelimit/index.ts';
import { admitBound, testRedis } from './support.ts';

// A Redis of this file's own, on a port of its own: stopping it stops no
// other test's Redis.
const PORT = 30_000 + (process.pid % 20_000);
const URL = `redis://127.0.0.1:${PORT}`;
const WINDOW_MS = 3_600_000;
let server: ChildProcess | undefined;
let redis: Redis;

async function startRedis(): Promise<void> {
  server = spawn(
    'redis-server',
    [
      '--port',
      String(PORT),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const probe = testRedis(URL);
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await probe.ping().then(
          () => true,
          () => false,
        )
      )
        return;
      await sleep(50);
    }
    throw new Error(`redis-server did not start on port ${PORT}`);
  } finally {
    probe.disconnect();
  }
}

async function stopRedis(): Promise<void> {
  const child = server!;
  server = undefined;
  const exited = once(child, 'exit');
  process.kill(child.pid!, 'SIGKILL');
  await exited;
}

beforeAll(async () => {
  await startRedis();
  redis = testRedis(URL);
  await once(redis, 'ready');
});
afterAll(async () => {
  redis.disconnect();
  if (server) await stopRedis();
});

function limiter(onBackendError: OnBackendError, log: string[]) {
  return createRateLimiter({
    backend: 'redis',
    redis,
    keyPrefix: 'fallback:',
    limits: { anonymous: 5 },
    window: WINDOW_MS,
    onBackendError,
    probeIntervalMs: 20,
    log: (m) => log.push(m),
  });
}

async function admittedOf(l: ReturnType<typeof limiter>, n: number) {
  let admitted = 0;
  for (let i = 0; i < n; i++) {
    if ((await l.consume({ key: 'k' })).allowed) admitted++;
  }
  return admitted;
}

describe('the Redis script', () => {
  it('is loaded again when Redis has forgotten it (NOSCRIPT)', async () => {
    await redis.script('FLUSH');
    const l = limiter('deny', []);
    expect((await l.consume({ key: 'noscript' })).allowed).toBe(true);
    expect(await redis.script('EXISTS', TAKE_SCRIPT_SHA)).toEqual([1]);
  });
});

describe('Redis stopped mid-test', () => {
  it('hands over to the in-process limiter, logs once, and recovers', async () => {
    const log: string[] = [];
    const l = limiter('local', log);
    expect(await admittedOf(l, 3)).toBe(3);
    expect(l.failing).toBe(false);

    await stopRedis();
    const outageStart = Date.now();
    const admitted = await admittedOf(l, 12);
    expect(l.failing).toBe(true);
    expect(admitted).toBeGreaterThanOrEqual(5);
    expect(admitted).toBeLessThanOrEqual(
      admitBound(5, WINDOW_MS, Date.now() - outageStart),
    );
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(
      /^ratelimit: the redis backend failed \(.+\); an in-process limiter decides until it answers again$/,
    );

    await startRedis();
    for (let i = 0; i < 200 && l.failing; i++) {
      await l.consume({ key: 'k' });
      if (l.failing) await sleep(50);
    }
    expect(l.failing).toBe(false);
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(
      /^ratelimit: the redis backend answers again after \d+\.\d s$/,
    );
    expect(await redis.exists('fallback:{anon:k}')).toBe(1);
  });

  it('denies every request while Redis is away when told to deny', async () => {
    await stopRedis();
    const log: string[] = [];
    const l = limiter('deny', log);
    expect(await l.consume({ key: 'k' })).toEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      retryAfterMs: 1000,
      resetMs: 1000,
    });
    expect(log[0]).toMatch(/; denying every request until it answers again$/);
  });

  it('allows every request while Redis is away when told to allow', async () => {
    const log: string[] = [];
    const l = limiter('allow', log);
    expect(await admittedOf(l, 20)).toBe(20);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/; allowing every request until it answers again$/);
  });
});
