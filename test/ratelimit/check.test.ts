import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DatabaseError } from '../../src/db/errors.ts';
import { syncLimits } from '../../src/ratelimit/index.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';

const USER = '6f1d2c3b-4a59-4e68-9d7c-8b9a0f1e2d3c';
let t: TestDatabase;

beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t.drop());

interface Request {
  role: string;
  claims?: object;
  headers?: object;
}

/** One PostgREST request: SET LOCAL ROLE, the settings, then the hook. */
function request(r: Request) {
  return t.db.transaction(async (tx) => {
    await tx.query(`select set_config('role', $1, true)`, [r.role]);
    await tx.query(
      `select set_config('request.jwt.claims', $1, true),
              set_config('request.headers', $2, true)`,
      [
        JSON.stringify(r.claims ?? { role: r.role }),
        JSON.stringify(r.headers ?? {}),
      ],
    );
    await tx.query('select ratelimit.check()');
  });
}

async function outcome(r: Request): Promise<string> {
  try {
    await request(r);
    return 'ok';
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error;
    return error.sqlState;
  }
}

describe('syncLimits', () => {
  it('writes the limits of the configuration into ratelimit.limits', async () => {
    await syncLimits(t.db, {
      limits: { anonymous: 3, authenticated: 5, service_role: 10_000 },
      window: '1m',
    });
    const { rows } = await t.db.query(
      `select role, capacity, extract(epoch from period)::int as seconds
         from ratelimit.limits order by role`,
    );
    expect(rows).toEqual([
      { role: 'anon', capacity: 3, seconds: 60 },
      { role: 'authenticated', capacity: 5, seconds: 60 },
      { role: 'service_role', capacity: 10_000, seconds: 60 },
    ]);
  });
});

describe('ratelimit.check() as the db-pre-request hook', () => {
  it.skipIf(serverOnly('SET ROLE per request'))(
    'raises PT429 with the retry-after in the detail once anon is over its limit',
    async () => {
      const anon = {
        role: 'anon',
        headers: { 'x-forwarded-for': '198.51.100.4, 10.0.0.1' },
      };
      for (let i = 0; i < 3; i++) await request(anon);
      const error = await request(anon).then(
        () => undefined,
        (e: unknown) => e as DatabaseError,
      );
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error!.sqlState).toBe('PT429');
      expect(error!.message).toBe('rate limit exceeded');
      expect(error!.hint).toBe(
        'the anon role may make 3 requests per 60 seconds',
      );
      const ms = Number(
        /^retry after (\d+) ms$/.exec(error!.detail ?? '')?.[1],
      );
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(20_000);
    },
  );

  it.skipIf(serverOnly('SET ROLE per request'))(
    'keys anon by client address, from X-Forwarded-For or X-Real-IP',
    async () => {
      const seen = [];
      for (let i = 0; i < 4; i++) {
        seen.push(
          await outcome({
            role: 'anon',
            headers: { 'x-real-ip': '192.0.2.9' },
          }),
        );
      }
      expect(seen).toEqual(['ok', 'ok', 'ok', 'PT429']);
    },
  );

  it.skipIf(serverOnly('SET ROLE per request'))(
    'keys a signed-in user by auth.uid() with the authenticated limit',
    async () => {
      const user = {
        role: 'authenticated',
        claims: { sub: USER, role: 'authenticated' },
        headers: { 'x-forwarded-for': '198.51.100.4' },
      };
      const seen = [];
      for (let i = 0; i < 6; i++) seen.push(await outcome(user));
      expect(seen).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'PT429']);
      const { rows } = await t.db.query(
        `select key from ratelimit.buckets order by key`,
      );
      expect(rows.map((r) => r.key)).toEqual([
        'anon:192.0.2.9',
        'anon:198.51.100.4',
        `authenticated:${USER}`,
      ]);
    },
  );

  it.skipIf(serverOnly('SET ROLE per request'))(
    'lets anon call check() but not take() on a key of its choosing',
    async () => {
      const error = await t.db
        .transaction(async (tx) => {
          await tx.query(`select set_config('role', 'anon', true)`);
          await tx.query(`select * from ratelimit.take('anon:x', 1, '1h')`);
        })
        .then(
          () => undefined,
          (e: unknown) => e as DatabaseError,
        );
      expect(error?.sqlState).toBe('42501');
      expect(error?.message).toBe('permission denied for function take');
    },
  );
});
