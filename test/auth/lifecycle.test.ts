import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Auth, AuthError } from '../../src/auth/index.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { newUser, SECRET, testAuth } from './support.ts';

let t: TestDatabase;
let auth: Auth;

beforeAll(async () => {
  t = await freshDatabase();
  auth = testAuth(t.db);
  await auth.ready();
});
afterAll(async () => {
  await auth.close();
  await t.drop();
});

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('the session lifecycle', () => {
  it('signs up, signs in, verifies, refreshes and signs out', async () => {
    const who = newUser();
    const { user } = await auth.signUp(who);
    expect(user).toEqual({
      id: expect.any(String),
      email: who.email,
      role: 'authenticated',
    });

    const { session } = await auth.signIn(who);
    expect(session).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: expect.any(Number),
      user,
    });

    const claims = await auth.verify(session.access_token);
    expect(Object.keys(claims).sort()).toEqual([
      'aal',
      'email',
      'exp',
      'iat',
      'jti',
      'role',
      'session_id',
      'sub',
    ]);
    expect(claims).toMatchObject({
      sub: user.id,
      role: 'authenticated',
      email: who.email,
      exp: session.expires_at,
    });
    expect(claims.exp - claims.iat).toBe(3600);

    const { session: next } = await auth.refresh(session.refresh_token);
    expect(next.refresh_token).not.toBe(session.refresh_token);
    const nextClaims = await auth.verify(next.access_token);
    expect(nextClaims.session_id).toBe(claims.session_id);
    expect(nextClaims.jti).not.toBe(claims.jti);

    await auth.signOut(next.access_token);
    expect(await codeOf(auth.verify(next.access_token))).toBe('token_revoked');
    expect(await codeOf(auth.verify(session.access_token))).toBe(
      'token_revoked',
    );
    expect(await codeOf(auth.refresh(next.refresh_token))).toBe(
      'token_revoked',
    );
  });

  it('keeps only the SHA-256 of refresh tokens in the database', async () => {
    const who = newUser();
    await auth.signUp(who);
    const { session } = await auth.signIn(who);
    const { rows } = await t.db.query<{ token_hash: string }>(
      `select t.token_hash from auth.refresh_tokens t
         join auth.sessions s on s.id = t.session_id
        where s.user_id = $1`,
      [session.user.id],
    );
    const hashes = rows.map((r) => r.token_hash);
    expect(hashes).not.toContain(session.refresh_token);
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
  });

  it('refuses a second user with the same email in another case', async () => {
    const who = newUser();
    await auth.signUp(who);
    const again = { ...who, email: who.email.toUpperCase() };
    expect(await codeOf(auth.signUp(again))).toBe('email_taken');
  });

  it('refuses a password shorter than 8 characters', async () => {
    const who = { ...newUser(), password: 'short' };
    expect(await codeOf(auth.signUp(who))).toBe('weak_password');
  });

  it('gives the same error for an unknown email as for a wrong password', async () => {
    const who = newUser();
    await auth.signUp(who);
    const wrong = auth.signIn({ ...who, password: 'not-the-password' });
    const unknown = auth.signIn(newUser('nobody'));
    const [a, b] = await Promise.all([
      wrong.catch((e: AuthError) => e),
      unknown.catch((e: AuthError) => e),
    ]);
    expect([a, b].map((e) => (e as AuthError).code)).toEqual([
      'invalid_credentials',
      'invalid_credentials',
    ]);
    expect((a as Error).message).toBe((b as Error).message);
  });

  it('signs a user in with the email in another case', async () => {
    const who = newUser();
    await auth.signUp(who);
    const { session } = await auth.signIn({
      ...who,
      email: who.email.toUpperCase(),
    });
    expect(session.user.email).toBe(who.email);
  });

  it('refuses a banned user with invalid_credentials', async () => {
    const who = newUser();
    const { user } = await auth.signUp(who);
    await t.db.query(
      `update auth.users set banned_until = now() + interval '1 day' where id = $1`,
      [user.id],
    );
    expect(await codeOf(auth.signIn(who))).toBe('invalid_credentials');
  });

  it('records last_sign_in_at and a session row for each sign-in', async () => {
    const who = newUser();
    const { user } = await auth.signUp(who);
    await auth.signIn(who);
    const sessions = await auth.admin.listSessions(user.id);
    expect(sessions).toHaveLength(2);
    const { rows } = await t.db.query<{ signed_in: boolean }>(
      'select last_sign_in_at is not null as signed_in from auth.users where id = $1',
      [user.id],
    );
    expect(rows).toEqual([{ signed_in: true }]);
  });
});

describe('refresh tokens', () => {
  it('revokes the whole session when a rotated refresh token is presented again', async () => {
    const who = newUser();
    await auth.signUp(who);
    const { session } = await auth.signIn(who);
    const { session: next } = await auth.refresh(session.refresh_token);

    expect(await codeOf(auth.refresh(session.refresh_token))).toBe(
      'refresh_token_reused',
    );
    expect(await codeOf(auth.refresh(next.refresh_token))).toBe(
      'token_revoked',
    );
    expect(await codeOf(auth.verify(next.access_token))).toBe('token_revoked');
    const [row] = await auth.admin.listSessions(session.user.id);
    expect(row?.revoke_reason).toBe('refresh_token_reused');
  });

  it('answers session_not_found for a refresh token it never issued', async () => {
    expect(await codeOf(auth.refresh('made-up-token'))).toBe(
      'session_not_found',
    );
  });

  it('answers token_expired for a session past not_after', async () => {
    const who = newUser();
    await auth.signUp(who);
    const { session } = await auth.signIn(who);
    const claims = decodeJwt(session.access_token);
    await t.db.query(
      `update auth.sessions set not_after = now() - interval '1 second' where id = $1`,
      [claims.session_id],
    );
    expect(await codeOf(auth.refresh(session.refresh_token))).toBe(
      'token_expired',
    );
  });

  it('never issues an access token that outlives its session', async () => {
    const short = testAuth(t.db, {
      jwt: { secret: SECRET, expiry: '1h', refreshExpiry: '10m' },
    });
    const who = newUser();
    const { session } = await short.signUp(who);
    expect(session.expires_in).toBe(600);
    await short.close();
  });
});

describe('revoking every session of a user', () => {
  it("invalidates every token of that user and none of another user's", async () => {
    const alice = newUser('alice');
    const bob = newUser('bob');
    const { user: a, session: a1 } = await auth.signUp(alice);
    const { session: a2 } = await auth.signIn(alice);
    const { session: b1 } = await auth.signUp(bob);
    const { session: a2next } = await auth.refresh(a2.refresh_token);
    await auth.verify(b1.access_token);
    await auth.verify(a1.access_token);

    expect(await auth.admin.revokeUserSessions(a.id, 'password changed')).toBe(
      2,
    );

    for (const token of [a1, a2, a2next].map((s) => s.access_token)) {
      expect(await codeOf(auth.verify(token))).toBe('token_revoked');
    }
    expect(await codeOf(auth.refresh(a2next.refresh_token))).toBe(
      'token_revoked',
    );
    expect((await auth.verify(b1.access_token)).email).toBe(bob.email);
    await auth.refresh(b1.refresh_token);
  });

  it('finds the user-wide revocation for a token of a session it never saw', async () => {
    // A token whose session is not in auth.sessions (minted elsewhere with
    // the same secret): only the user-wide row can refuse it, so this
    // checks that revoke_user_sessions writes the key is_revoked reads.
    const who = newUser();
    const { user } = await auth.signUp(who);
    const claims = {
      sub: user.id,
      role: 'authenticated',
      session_id: '00000000-0000-4000-8000-000000000000',
      jti: 'elsewhere',
      iat: Math.floor(Date.now() / 1000) - 5,
      exp: Math.floor(Date.now() / 1000) + 60,
    };
    const revoked = async () => {
      const { rows } = await t.db.query<{ r: boolean }>(
        'select auth.is_revoked($1::jsonb) as r',
        [JSON.stringify(claims)],
      );
      return rows[0]!.r;
    };
    expect(await revoked()).toBe(false);
    await auth.admin.revokeUserSessions(user.id);
    expect(await revoked()).toBe(true);
    claims.sub = '11111111-1111-4111-8111-111111111111';
    expect(await revoked()).toBe(false);
  });

  it('lets the user sign in again afterwards', async () => {
    const who = newUser();
    const { user } = await auth.signUp(who);
    await auth.admin.revokeUserSessions(user.id);
    const { session } = await auth.signIn(who);
    expect((await auth.verify(session.access_token)).sub).toBe(user.id);
  });
});

describe('signing out a token without a session', () => {
  it('revokes it by jti until its exp', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      sub: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
      role: 'service_role',
      jti: 'service-token-1',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(new TextEncoder().encode(SECRET));
    await auth.verify(token);

    await auth.signOut(token);
    expect(await codeOf(auth.verify(token))).toBe('token_revoked');
    const { rows } = await t.db.query<{ key: string; expires: number }>(
      `select key, extract(epoch from expires_at)::int as expires
         from auth.revocations where scope = 'token'`,
    );
    expect(rows).toEqual([
      { key: 'token:service-token-1', expires: iat + 300 },
    ]);
  });
});

describe('roles', () => {
  it('never yields a service_role token from signIn', async () => {
    const who = newUser();
    const { user } = await auth.signUp(who);
    await t.db.query(
      `update auth.users
          set raw_app_meta_data = '{"role":"service_role"}',
              raw_user_meta_data = '{"role":"service_role"}'
        where id = $1`,
      [user.id],
    );
    const { session } = await auth.signIn(who);
    expect((await auth.verify(session.access_token)).role).toBe(
      'authenticated',
    );
    await expect(
      t.db.query(`update auth.users set role = 'service_role' where id = $1`, [
        user.id,
      ]),
    ).rejects.toThrow(/users_role_not_service_role/);
  });
});
