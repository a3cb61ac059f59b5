import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type Auth,
  AuthError,
  type ContextClaims,
  withAuth,
} from '../../src/auth/index.ts';
import { DatabaseError } from '../../src/db/errors.ts';
import type { Database } from '../../src/db/shared.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';
import { newUser, testAuth } from './support.ts';

let t: TestDatabase;
let auth: Auth;

beforeAll(async () => {
  t = await freshDatabase();
  auth = testAuth(t.db);
  await t.db.exec(`
    create table public.notes (
      id bigint generated always as identity primary key,
      user_id uuid not null references auth.users (id),
      body text not null
    );
    alter table public.notes enable row level security;
    create policy notes_own on public.notes
      for all to authenticated
      using (user_id = (select auth.uid()))
      with check (user_id = (select auth.uid()));
    grant select, insert on public.notes to authenticated;
    grant usage on sequence public.notes_id_seq to authenticated;
  `);
});
afterAll(async () => {
  await auth.close();
  await t.drop();
});

async function signedIn() {
  const who = newUser();
  await auth.signUp(who);
  const { session } = await auth.signIn(who);
  return { session, claims: await auth.verify(session.access_token) };
}

describe('withAuth', () => {
  it('lets each of two users see only their own rows through the policy', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    for (const [who, body] of [
      [alice, 'alice 1'],
      [alice, 'alice 2'],
      [bob, 'bob 1'],
    ] as const) {
      await withAuth(t.db, who.claims, (tx) =>
        tx.query('insert into public.notes (user_id, body) values ($1, $2)', [
          who.claims.sub,
          body,
        ]),
      );
    }
    const bodies = (claims: typeof alice.claims) =>
      withAuth(t.db, claims, async (tx) => {
        const { rows } = await tx.query<{ body: string }>(
          'select body from public.notes order by body',
        );
        return rows.map((r) => r.body);
      });
    expect(await bodies(alice.claims)).toEqual(['alice 1', 'alice 2']);
    expect(await bodies(bob.claims)).toEqual(['bob 1']);
  });

  it('refuses to insert a row for another user', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    await expect(
      withAuth(t.db, alice.claims, (tx) =>
        tx.query('insert into public.notes (user_id, body) values ($1, $2)', [
          bob.claims.sub,
          'forged',
        ]),
      ),
    ).rejects.toMatchObject({ sqlState: '42501' });
  });

  it('sets the role and the claims for the transaction', async () => {
    const { claims } = await signedIn();
    const seen = await withAuth(t.db, claims, async (tx) => {
      const { rows } = await tx.query<{
        role: string;
        uid: string;
        email: string;
      }>(
        'select current_user as role, auth.uid() as uid, auth.email() as email',
      );
      return rows[0];
    });
    expect(seen).toEqual({
      role: 'authenticated',
      uid: claims.sub,
      email: claims.email,
    });
  });

  it('runs as anon without claims', async () => {
    const role = await withAuth(t.db, null, async (tx) => {
      const { rows } = await tx.query<{ role: string; uid: string | null }>(
        'select current_user as role, auth.uid() as uid',
      );
      return rows[0];
    });
    expect(role).toEqual({ role: 'anon', uid: null });
  });

  it('refuses any role but anon, authenticated and service_role', async () => {
    for (const role of [
      'postgres',
      'pg_read_all_data',
      'authenticated; drop table x',
      42,
    ]) {
      await expect(
        withAuth(t.db, { sub: 'x', role }, async () => 'ran'),
      ).rejects.toEqual(
        new AuthError(
          'role_not_allowed',
          `withAuth runs only as anon, authenticated, service_role, not ${role}`,
        ),
      );
    }
  });

  it.skipIf(serverOnly('withAuth on a pooled connection'))(
    'leaves no claims and no role on the pooled connection afterwards',
    async () => {
      const single: Database = await t.open({ max: 1 });
      const { claims } = await signedIn();
      const inside = await withAuth(single, claims, async (tx) => {
        const { rows } = await tx.query<{ pid: number }>(
          'select pg_backend_pid() as pid',
        );
        return rows[0]!.pid;
      });
      await expect(
        withAuth(single, claims, async () => {
          throw new Error('the request failed');
        }),
      ).rejects.toThrow('the request failed');

      const { rows } = await single.query<{
        pid: number;
        role: string;
        claims: string | null;
        uid: string | null;
      }>(
        `select pg_backend_pid() as pid, current_user as role,
                nullif(current_setting('request.jwt.claims', true), '') as claims,
                auth.uid() as uid`,
      );
      const { rows: login } = await single.query<{ user: string }>(
        'select session_user as user',
      );
      expect(rows).toEqual([
        { pid: inside, role: login[0]!.user, claims: null, uid: null },
      ]);
    },
  );
});

describe('auth.assert_session()', () => {
  async function assertAs(claims: ContextClaims) {
    return withAuth(t.db, claims, (tx) =>
      tx.query('select auth.assert_session()'),
    );
  }

  it('passes a live session and an anonymous request', async () => {
    const { claims } = await signedIn();
    await assertAs(claims);
    await withAuth(t.db, null, (tx) =>
      tx.query('select auth.assert_session()'),
    );
  });

  it('raises PT401 for a revoked session', async () => {
    const { session, claims } = await signedIn();
    await auth.signOut(session.access_token);
    const error = await assertAs(claims).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ sqlState: 'PT401', message: 'JWT revoked' });
  });

  it('raises PT401 for expired claims', async () => {
    const { claims } = await signedIn();
    const error = await assertAs({ ...claims, exp: claims.iat - 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ sqlState: 'PT401', message: 'JWT expired' });
  });

  it('raises PT401 for every session of a user after revoke_user_sessions', async () => {
    const first = await signedIn();
    await t.db.query('select auth.revoke_user_sessions($1, $2)', [
      first.claims.sub,
      'test',
    ]);
    await expect(assertAs(first.claims)).rejects.toMatchObject({
      sqlState: 'PT401',
    });
  });
});
