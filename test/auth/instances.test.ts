import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type Auth,
  AuthError,
  REVOCATION_CHANNEL,
} from '../../src/auth/index.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';
import { newUser, testAuth } from './support.ts';

let t: TestDatabase;
let a: Auth;
let b: Auth;

beforeAll(async () => {
  t = await freshDatabase();
  a = testAuth(t.db);
  b = testAuth(await t.open());
  await Promise.all([a.ready(), b.ready()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await t.drop();
});

/** Polls `b.verify` until it refuses; resolves to how long that took. */
async function refusedWithin(token: string, limitMs: number) {
  const start = Date.now();
  while (Date.now() - start <= limitMs) {
    const refused = await b.verify(token).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (refused) return { error: refused, ms: Date.now() - start };
    await sleep(10);
  }
  return { error: undefined, ms: Date.now() - start };
}

describe('two instances on two pools of one database', () => {
  it.skipIf(serverOnly('two pools'))(
    'refuses on instance B, within 1 s, a token signed out through instance A',
    async () => {
      const who = newUser();
      const { session } = await a.signUp(who);
      await b.verify(session.access_token);

      await a.signOut(session.access_token);
      const { error, ms } = await refusedWithin(session.access_token, 1000);
      expect(error).toEqual(
        new AuthError('token_revoked', 'token has been revoked'),
      );
      expect(ms).toBeLessThanOrEqual(1000);
    },
  );

  it.skipIf(serverOnly('two pools'))(
    'refuses on instance B every token of a user revoked through instance A',
    async () => {
      const who = newUser();
      const { session: one, user } = await a.signUp(who);
      const { session: two } = await b.signIn(who);
      for (const s of [one, two]) await b.verify(s.access_token);

      await a.admin.revokeUserSessions(user.id, 'compromised');
      for (const s of [one, two]) {
        const { error } = await refusedWithin(s.access_token, 1000);
        expect((error as AuthError).code).toBe('token_revoked');
      }
    },
  );

  it.skipIf(serverOnly('two pools'))(
    'answers from its cache until a NOTIFY on the revocation channel arrives',
    async () => {
      const who = newUser();
      const { session } = await a.signUp(who);
      const claims = await b.verify(session.access_token);

      // Written behind the functions' back: no NOTIFY, so B's cached
      // answer stands, which shows that B caches.
      await t.db.query(
        `insert into auth.revocations (scope, subject, expires_at)
         values ('session', $1, now() + interval '1 hour')`,
        [claims.session_id],
      );
      expect((await b.verify(session.access_token)).sub).toBe(claims.sub);

      await t.db.query('select pg_notify($1, $2)', [REVOCATION_CHANNEL, '{}']);
      const { error } = await refusedWithin(session.access_token, 1000);
      expect((error as AuthError).code).toBe('token_revoked');
    },
  );
});
