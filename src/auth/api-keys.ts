import { DatabaseError } from '../db/errors.ts';
import type { Queryable } from '../db/shared.ts';
import { AuthError } from './errors.ts';
import { REQUEST_ROLES, type RequestRole } from './shared.ts';
import { opaqueToken, tokenHash } from './tokens.ts';

/** Every key starts with this, so that scanners can spot a leaked one. */
export const API_KEY_PREFIX = 'fbk_';
/** How many leading characters of a key lists show. */
const SHOWN = API_KEY_PREFIX.length + 8;

export interface CreateApiKeyInput {
  name: string;
  role: RequestRole;
  scopes?: string[];
  expiresAt?: Date | undefined;
}

/** A key just made: `key` is shown this once and kept nowhere. */
export interface CreatedApiKey {
  key: string;
  name: string;
  prefix: string;
  role: RequestRole;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
}

/** A key as lists show it: never the key, never its hash. */
export interface ApiKeyInfo {
  name: string;
  prefix: string;
  role: RequestRole;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** What a live key grants. */
export interface ApiKeyGrant {
  name: string;
  role: RequestRole;
  scopes: string[];
  expires_at: Date | null;
}

function assertRole(role: string): asserts role is RequestRole {
  if (!(REQUEST_ROLES as readonly string[]).includes(role)) {
    throw new AuthError(
      'role_not_allowed',
      `role ${role} is not one of ${REQUEST_ROLES.join(', ')}`,
    );
  }
}

/**
 * Makes an API key and records only its SHA-256.
 *
 * @example
 * const { key } = await createApiKey(db, { name: 'ci', role: 'service_role' });
 */
export async function createApiKey(
  db: Queryable,
  input: CreateApiKeyInput,
): Promise<CreatedApiKey> {
  assertRole(input.role);
  const key = `${API_KEY_PREFIX}${opaqueToken()}`;
  const prefix = key.slice(0, SHOWN);
  const scopes = input.scopes ?? [];
  try {
    const { rows } = await db.query<{ created_at: Date }>(
      'select created_at from auth.create_api_key($1, $2, $3, $4, $5, $6)',
      [
        input.name,
        prefix,
        tokenHash(key),
        input.role,
        scopes,
        input.expiresAt ?? null,
      ],
    );
    return {
      key,
      name: input.name,
      prefix,
      role: input.role,
      scopes,
      created_at: rows[0]!.created_at,
      expires_at: input.expiresAt ?? null,
    };
  } catch (error) {
    if (!(error instanceof DatabaseError && error.sqlState === '23505')) {
      throw error;
    }
    throw new AuthError(
      'api_key_exists',
      `a live API key named ${input.name} exists (revoke it first)`,
      { cause: error },
    );
  }
}

/**
 * Every API key, live ones first, without keys or hashes.
 *
 * @example
 * for (const k of await listApiKeys(db)) console.log(k.name, k.prefix);
 */
export async function listApiKeys(db: Queryable): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<ApiKeyInfo>(
    'select * from auth.list_api_keys()',
  );
  return rows;
}

/**
 * Revokes the live key with this name; false when there is none.
 *
 * @example
 * await revokeApiKey(db, 'ci');
 */
export async function revokeApiKey(
  db: Queryable,
  name: string,
): Promise<boolean> {
  const { rows } = await db.query<{ revoked: boolean }>(
    'select auth.revoke_api_key($1) as revoked',
    [name],
  );
  return rows[0]?.revoked === true;
}

/**
 * What a presented key grants; `api_key_invalid` when it is unknown,
 * revoked or expired.
 *
 * @example
 * const { role, scopes } = await verifyApiKey(db, req.headers['x-api-key']);
 */
export async function verifyApiKey(
  db: Queryable,
  key: string,
): Promise<ApiKeyGrant> {
  const { rows } = await db.query<ApiKeyGrant>(
    'select * from auth.check_api_key($1)',
    [tokenHash(key)],
  );
  if (!rows[0]) {
    throw new AuthError(
      'api_key_invalid',
      'API key is unknown, revoked or expired',
    );
  }
  return rows[0];
}
