import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { AuthError } from './errors.ts';

/**
 * scrypt's cost parameters. The default (N = 2^15, r = 8, p = 1: 32 MiB
 * and about 50–100 ms a hash on one core) is the "interactive login"
 * setting of the scrypt paper; raise N for more work. Each hash records
 * the parameters it was made with, so raising them later keeps old
 * passwords working.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/** The shortest password `signUp` accepts. */
export const MIN_PASSWORD_LENGTH = 8;

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT =
  /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(
  password: string,
  salt: Buffer,
  params: ScryptParams,
): Promise<Buffer> {
  const maxmem = 256 * params.N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...params, maxmem },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Throws `weak_password` for a password too short to accept. */
export function assertStrongPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      'weak_password',
      `password must have at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
}

/**
 * Hashes a password with scrypt and a fresh 16-byte salt, as
 * `scrypt$N$r$p$salt$hash` (base64url).
 *
 * @example
 * const stored = await hashPassword('correct horse battery');
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  const { N, r, p } = params;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * True when `password` matches `stored` (compared in constant time); false
 * for a wrong password and for a stored value that is not ours.
 *
 * @example
 * if (!(await verifyPassword(input, user.encrypted_password))) …
 */
export async function verifyPassword(
  password: string,
  stored: string,
): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const params = {
    N: Number(match[1]),
    r: Number(match[2]),
    p: Number(match[3]),
  };
  const expected = Buffer.from(match[5]!, 'base64url');
  const salt = Buffer.from(match[4]!, 'base64url');
  const key = await derive(password, salt, params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
