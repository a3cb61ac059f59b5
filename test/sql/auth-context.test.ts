import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Session } from '../../src/db/shared.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const USER = '2f3c8a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t.drop());

async function context(tx: Session) {
  const { rows } = await tx.query<{
    uid: string | null;
    role: string | null;
    email: string | null;
    jwt: unknown;
  }>(
    'select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() as jwt',
  );
  return rows[0]!;
}

function withClaims(claims: string) {
  return t.db.transaction(async (tx) => {
    await tx.query(`select set_config('request.jwt.claims', $1, true)`, [
      claims,
    ]);
    return context(tx);
  });
}

describe('auth context functions', () => {
  it('reads sub, role and email from request.jwt.claims', async () => {
    const claims = { sub: USER, role: 'authenticated', email: 'a@example.com' };
    expect(await withClaims(JSON.stringify(claims))).toEqual({
      uid: USER,
      role: 'authenticated',
      email: 'a@example.com',
      jwt: claims,
    });
  });

  it('gives NULL, not an error, when the claims are the empty string', async () => {
    expect(await withClaims('')).toEqual({
      uid: null,
      role: null,
      email: null,
      jwt: null,
    });
  });

  it('gives a NULL uid for a sub that is not a UUID', async () => {
    const result = await withClaims(
      JSON.stringify({ sub: 'user-42', role: 'anon' }),
    );
    expect(result.uid).toBeNull();
    expect(result.role).toBe('anon');
  });

  it('gives a NULL uid when the claims have no sub', async () => {
    expect((await withClaims('{"role":"anon"}')).uid).toBeNull();
  });

  it('falls back to the legacy request.jwt.claim.sub setting', async () => {
    const result = await t.db.transaction(async (tx) => {
      await tx.query(`select set_config('request.jwt.claim.sub', $1, true)`, [
        USER,
      ]);
      await tx.query(
        `select set_config('request.jwt.claim.role', 'authenticated', true)`,
      );
      return context(tx);
    });
    expect(result.uid).toBe(USER);
    expect(result.role).toBe('authenticated');
  });

  it('reads NULL after RESET of the claims', async () => {
    const result = await t.db.transaction(async (tx) => {
      await tx.query(`select set_config('request.jwt.claims', $1, false)`, [
        JSON.stringify({ sub: USER }),
      ]);
      await tx.query('reset request.jwt.claims');
      return context(tx);
    });
    expect(result).toEqual({ uid: null, role: null, email: null, jwt: null });
  });

  it('is inlined into the query plan (no function call per row)', async () => {
    const plan = await t.db.transaction(async (tx) => {
      await tx.query('create temp table owned (id uuid) on commit drop');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
        'explain (verbose, costs off) select * from owned where id = auth.uid()',
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain("current_setting('request.jwt.claims'::text, true)");
    expect(plan).not.toContain('auth.uid()');
  });
});
