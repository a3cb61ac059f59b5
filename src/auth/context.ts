import { quoteIdent } from '../db/quote.ts';
import type { Database, Session } from '../db/shared.ts';
import { AuthError } from './errors.ts';
import { REQUEST_ROLES, type RequestRole } from './shared.ts';

/** Claims that withAuth accepts: anything with an optional role. */
export type ContextClaims = { role?: unknown; [claim: string]: unknown };

function roleOf(claims: ContextClaims | null | undefined): RequestRole {
  const role = claims?.role ?? 'anon';
  if (
    typeof role !== 'string' ||
    !(REQUEST_ROLES as readonly string[]).includes(role)
  ) {
    throw new AuthError(
      'role_not_allowed',
      `withAuth runs only as ${REQUEST_ROLES.join(', ')}, not ${String(role)}`,
    );
  }
  return role as RequestRole;
}

/**
 * Runs `fn` in one transaction as the request: `SET LOCAL ROLE` to the
 * claims' role (anon, authenticated or service_role; anon when there are
 * no claims) and `request.jwt.claims` set for this transaction only, so
 * that RLS policies see auth.uid() and friends. Nothing of it survives on
 * the pooled connection afterwards.
 *
 * @example
 * const claims = await auth.verify(token);
 * const rows = await withAuth(db, claims, (tx) =>
 *   tx.query('select * from todos'));
 */
export async function withAuth<T>(
  db: Database,
  claims: ContextClaims | null | undefined,
  fn: (tx: Session) => Promise<T>,
): Promise<T> {
  const role = roleOf(claims);
  const json = claims ? JSON.stringify(claims) : '';
  return db.transaction(async (tx) => {
    await tx.query(`set local role ${quoteIdent(role)}`);
    await tx.query(`select set_config('request.jwt.claims', $1, true)`, [json]);
    return fn(tx);
  });
}
