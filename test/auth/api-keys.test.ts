import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  API_KEY_PREFIX,
  AuthError,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
} from '../../src/auth/index.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t.drop());

describe('API keys', () => {
  it('are shown once and kept only as a SHA-256 hash', async () => {
    const created = await createApiKey(t.db, {
      name: 'ci',
      role: 'service_role',
      scopes: ['deploy'],
    });
    expect(created.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(created.prefix).toBe(created.key.slice(0, 12));

    const { rows } = await t.db.query<{ key_hash: string }>(
      'select key_hash from auth.api_keys where name = $1',
      [created.name],
    );
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await listApiKeys(t.db))).not.toContain(created.key);
  });

  it('grant their role and scopes while live, then nothing once revoked', async () => {
    const { key } = await createApiKey(t.db, {
      name: 'worker',
      role: 'authenticated',
      scopes: ['read', 'write'],
    });
    expect(await verifyApiKey(t.db, key)).toEqual({
      name: 'worker',
      role: 'authenticated',
      scopes: ['read', 'write'],
      expires_at: null,
    });
    expect(await revokeApiKey(t.db, 'worker')).toBe(true);
    expect(await revokeApiKey(t.db, 'worker')).toBe(false);
    await expect(verifyApiKey(t.db, key)).rejects.toEqual(
      new AuthError(
        'api_key_invalid',
        'API key is unknown, revoked or expired',
      ),
    );
  });

  it('stop working when they expire', async () => {
    const { key } = await createApiKey(t.db, {
      name: 'short-lived',
      role: 'anon',
      expiresAt: new Date(Date.now() - 1000),
    });
    await expect(verifyApiKey(t.db, key)).rejects.toMatchObject({
      code: 'api_key_invalid',
    });
  });

  it('refuse a second live key with the same name, but not after a revoke', async () => {
    await createApiKey(t.db, { name: 'dup', role: 'anon' });
    await expect(
      createApiKey(t.db, { name: 'dup', role: 'anon' }),
    ).rejects.toMatchObject({ code: 'api_key_exists' });
    await revokeApiKey(t.db, 'dup');
    await createApiKey(t.db, { name: 'dup', role: 'anon' });
  });

  it('refuse a role other than anon, authenticated or service_role', async () => {
    await expect(
      createApiKey(t.db, { name: 'root', role: 'postgres' as 'anon' }),
    ).rejects.toMatchObject({ code: 'role_not_allowed' });
  });

  it('record when they were last used', async () => {
    const { key } = await createApiKey(t.db, { name: 'used', role: 'anon' });
    await verifyApiKey(t.db, key);
    const used = (await listApiKeys(t.db)).find((k) => k.name === 'used');
    expect(used?.last_used_at).toBeInstanceOf(Date);
  });
});
