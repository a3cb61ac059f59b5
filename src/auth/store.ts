import { DatabaseError } from '../db/errors.ts';
import type { Queryable } from '../db/shared.ts';
import { AuthError } from './errors.ts';

/** One row of auth.sessions, as `auth sessions` lists it. */
export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  refreshed_at: Date | null;
  not_after: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  aal: string;
}

/** What signing in reads about a user. */
export interface SignInRow {
  id: string;
  email: string;
  encrypted_password: string | null;
  role: string;
  banned_until: Date | null;
  deleted_at: Date | null;
}

/** What rotating a refresh token answers. */
export interface RotationRow {
  status: 'ok' | 'reused' | 'revoked' | 'expired' | 'not_found';
  session_id: string | null;
  user_id: string | null;
  email: string | null;
  aal: string | null;
  not_after: Date | null;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    error instanceof DatabaseError &&
    error.sqlState === '23505' &&
    error.message.includes(constraint)
  );
}

/** Inserts a user; `email_taken` when the email (any case) exists. */
export async function insertUser(
  db: Queryable,
  email: string,
  encryptedPassword: string,
  meta: Record<string, unknown>,
) {
  try {
    const { rows } = await db.query<{
      id: string;
      email: string;
      role: string;
    }>('select id, email, role from auth.sign_up($1, $2, $3::jsonb)', [
      email,
      encryptedPassword,
      JSON.stringify(meta),
    ]);
    return rows[0]!;
  } catch (error) {
    if (!isUniqueViolation(error, 'users_email_key')) throw error;
    throw new AuthError('email_taken', 'a user with this email exists', {
      cause: error,
    });
  }
}

/** The user with this email (any case), if any. */
export async function userForSignIn(db: Queryable, email: string) {
  const { rows } = await db.query<SignInRow>(
    'select * from auth.user_for_sign_in($1)',
    [email],
  );
  return rows[0];
}

/** Opens a session with its first refresh token (by hash). */
export async function startSession(
  db: Queryable,
  input: {
    userId: string;
    notAfter: Date;
    refreshHash: string;
    userAgent?: string | undefined;
    ip?: string | undefined;
  },
) {
  const { rows } = await db.query<{ id: string; aal: string }>(
    'select id, aal from auth.start_session($1, $2, $3, $4, $5::inet)',
    [
      input.userId,
      input.notAfter,
      input.refreshHash,
      input.userAgent ?? null,
      input.ip ?? null,
    ],
  );
  return rows[0]!;
}

/** Rotates a refresh token by hash; see auth.rotate_refresh_token(). */
export async function rotateRefreshToken(
  db: Queryable,
  hash: string,
  nextHash: string,
) {
  const { rows } = await db.query<RotationRow>(
    'select * from auth.rotate_refresh_token($1, $2)',
    [hash, nextHash],
  );
  return rows[0]!;
}

/**
 * Revokes one session; true when it was live until now.
 *
 * @example
 * await revokeSession(db, sessionId, 'signed out');
 */
export async function revokeSession(
  db: Queryable,
  sessionId: string,
  reason?: string,
): Promise<boolean> {
  const { rows } = await db.query<{ revoked: boolean }>(
    'select auth.revoke_session($1, $2) as revoked',
    [sessionId, reason ?? null],
  );
  return rows[0]?.revoked === true;
}

/**
 * Revokes every session and every earlier token of a user; resolves to
 * the number of sessions that were live.
 *
 * @example
 * const n = await revokeUserSessions(db, userId, 'password changed');
 */
export async function revokeUserSessions(
  db: Queryable,
  userId: string,
  reason?: string,
): Promise<number> {
  const { rows } = await db.query<{ revoked: number }>(
    'select auth.revoke_user_sessions($1, $2) as revoked',
    [userId, reason ?? null],
  );
  return Number(rows[0]?.revoked ?? 0);
}

/**
 * True when a user with this id exists (deleted users count: their
 * tokens may still be around).
 *
 * @example
 * if (!(await userExists(db, id))) throw new Error('no such user');
 */
export async function userExists(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query(
    'select 1 from auth.users where id = $1::uuid',
    [id],
  );
  return rows.length > 0;
}

/** Revokes one access token (by jti) until it expires. */
export async function revokeToken(
  db: Queryable,
  jti: string,
  expiresAt: Date,
  reason?: string,
): Promise<void> {
  await db.query('select auth.revoke_token($1, $2, $3)', [
    jti,
    expiresAt,
    reason ?? null,
  ]);
}

/**
 * The sessions of a user, newest first.
 *
 * @example
 * for (const s of await listSessions(db, userId)) console.log(s.id);
 */
export async function listSessions(
  db: Queryable,
  userId: string,
): Promise<SessionRow[]> {
  const { rows } = await db.query<SessionRow>(
    'select * from auth.user_sessions($1)',
    [userId],
  );
  return rows;
}

/**
 * Drops the revocations whose tokens have expired anyway; resolves to how
 * many went.
 *
 * @example
 * await purgeRevocations(db);
 */
export async function purgeRevocations(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ purged: number }>(
    'select auth.purge_revocations() as purged',
  );
  return Number(rows[0]?.purged ?? 0);
}
