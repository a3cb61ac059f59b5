import { randomBytes } from 'node:crypto';

import { type AuthOptions, createAuth } from '../../src/auth/index.ts';
import type { Database } from '../../src/db/shared.ts';

/** A 256-bit secret made for this test run. */
export const SECRET = randomBytes(32).toString('base64');

/** A cheaper scrypt than the default, so that the suite stays fast. */
export const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

/** An Auth over `db` with the test secret. */
export function testAuth(db: Database, extra: Partial<AuthOptions> = {}) {
  return createAuth({
    db,
    jwt: { secret: SECRET },
    password: FAST_SCRYPT,
    ...extra,
  });
}

let counter = 0;

/** A fresh email address and a password that passes the length rule. */
export function newUser(label = 'user') {
  counter += 1;
  const tag = randomBytes(3).toString('hex');
  return {
    email: `${label}-${counter}-${tag}@example.com`,
    password: `pw-${tag}-long-enough`,
  };
}
