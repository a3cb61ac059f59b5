import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Auth } from '../../src/auth/index.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';
import { newUser, testAuth } from './support.ts';

let t: TestDatabase;
let auth: Auth;

beforeAll(async () => {
  t = await freshDatabase();
  auth = testAuth(t.db);
});
afterAll(async () => {
  await auth.close();
  await t.drop();
});

function cli(...args: string[]) {
  return runCli(args, { env: { DATABASE_URL: t.url } });
}

const needsServer = serverOnly('the CLI opens the database in another process');

describe('fluxbase-cli auth', () => {
  it.skipIf(needsServer)(
    'revokes every session of a user and lists them as revoked',
    async () => {
      const who = newUser();
      const { user, session } = await auth.signUp(who);
      await auth.signIn(who);

      const revoked = await cli(
        'auth',
        'revoke-user-sessions',
        user.id,
        '--reason',
        'laptop stolen',
      );
      expect(revoked).toEqual({
        code: 0,
        stdout: `revoked 2 live session(s) of ${user.id}; every earlier token of the user is refused\n`,
        stderr: '',
      });
      await expect(auth.verify(session.access_token)).rejects.toMatchObject({
        code: 'token_revoked',
      });

      const listed = await cli('--json', 'auth', 'sessions', user.id);
      const rows = JSON.parse(listed.stdout) as { revoke_reason: string }[];
      expect(rows.map((r) => r.revoke_reason)).toEqual([
        'laptop stolen',
        'laptop stolen',
      ]);
    },
  );

  it.skipIf(needsServer)(
    'refuses to revoke for a user id that does not exist, exit 1',
    async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      expect(await cli('auth', 'revoke-user-sessions', id)).toEqual({
        code: 1,
        stdout: '',
        stderr: `error: no user has the id ${id}: nothing was revoked (check the id with your users table)\n`,
      });
      const { rows } = await t.db.query(
        'select 1 from auth.revocations where subject = $1',
        [id],
      );
      expect(rows).toEqual([]);
    },
  );

  it.skipIf(needsServer)(
    'creates an API key, prints it once, lists its prefix and revokes it',
    async () => {
      const created = await cli(
        'auth',
        'api-keys',
        'create',
        'deploy',
        '--role',
        'service_role',
        '--expires-in',
        '90d',
      );
      expect(created.code).toBe(0);
      const key = created.stdout.trim();
      expect(key).toMatch(/^fbk_[A-Za-z0-9_-]{43}$/);
      expect(created.stderr).toBe(
        `API key deploy (${key.slice(0, 12)}…, service_role) created: store it now, it is not shown again\n`,
      );
      expect((await auth.apiKeys.verify(key)).role).toBe('service_role');

      const listed = await cli('auth', 'api-keys', 'list');
      expect(listed.stdout).toContain(
        `deploy  ${key.slice(0, 12)}…  service_role  live`,
      );
      expect(listed.stdout).not.toContain(key);

      expect((await cli('auth', 'api-keys', 'revoke', 'deploy')).stdout).toBe(
        'revoked API key deploy\n',
      );
      expect(await cli('auth', 'api-keys', 'revoke', 'deploy')).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'error: no live API key named deploy (see: fluxbase-cli auth api-keys list)\n',
      });
    },
  );

  it.skipIf(needsServer)(
    'refuses a user id that is not a UUID with exit 2',
    async () => {
      const result = await cli('auth', 'sessions', 'bob');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "command-argument value 'bob' is invalid for argument 'user-id'. must be a user id (a UUID)",
      );
    },
  );

  it.skipIf(needsServer)(
    'purges revocations whose tokens have expired',
    async () => {
      await t.db.query(
        `insert into auth.revocations (scope, subject, expires_at)
       values ('token', 'gone', now() - interval '1 minute')`,
      );
      expect((await cli('auth', 'purge')).stdout).toBe(
        'purged 1 revocation(s) of tokens that have expired anyway\n',
      );
    },
  );
});
