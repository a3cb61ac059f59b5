import {
  HOW_TO_GENERATE_SECRET,
  isPlaceholderSecret,
  MIN_SECRET_BYTES,
} from '../config/secrets.ts';
import { WeakSecretError } from './errors.ts';

/**
 * Refuses a JWT secret under 256 bits and, with `env` = production, a
 * known placeholder; the error says how to generate a good one.
 *
 * @example
 * assertJwtSecret(process.env.FLUXBASE_AUTH_JWT_SECRET, 'production');
 */
export function assertJwtSecret(
  secret: string | undefined,
  env: string | undefined,
): asserts secret is string {
  const how = HOW_TO_GENERATE_SECRET;
  if (!secret) throw new WeakSecretError(`auth.jwt.secret is not set: ${how}`);
  if (env === 'production' && isPlaceholderSecret(secret)) {
    throw new WeakSecretError(
      `auth.jwt.secret is a published placeholder and is refused with FLUXBASE_ENV=production: ${how}`,
    );
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw new WeakSecretError(
      `auth.jwt.secret has ${bytes * 8} bits; at least ${MIN_SECRET_BYTES * 8} are needed: ${how}`,
    );
  }
}
