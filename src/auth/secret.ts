import { WeakSecretError } from './errors.ts';

/** The fewest bytes an HS256 secret may have: 256 bits. */
export const MIN_SECRET_BYTES = 32;

/**
 * Secrets published in guides and templates. Anyone can sign tokens with
 * them, so they are refused in production whatever their length.
 */
export const PLACEHOLDER_SECRETS: readonly string[] = [
  'dev-secret-key',
  'secret',
  'changeme',
  'change-me',
  'your-secret-key',
  'your-256-bit-secret',
  'super-secret-jwt-token-with-at-least-32-characters-long',
  'your-super-secret-jwt-token-with-at-least-32-characters-long',
];

const HOW =
  'generate one with `openssl rand -base64 32` and set auth.jwt.secret (or FLUXBASE_AUTH_JWT_SECRET)';

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
  if (!secret) throw new WeakSecretError(`auth.jwt.secret is not set: ${HOW}`);
  if (env === 'production' && PLACEHOLDER_SECRETS.includes(secret.trim())) {
    throw new WeakSecretError(
      `auth.jwt.secret is a published placeholder and is refused with FLUXBASE_ENV=production: ${HOW}`,
    );
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw new WeakSecretError(
      `auth.jwt.secret has ${bytes * 8} bits; at least ${MIN_SECRET_BYTES * 8} are needed: ${HOW}`,
    );
  }
}
