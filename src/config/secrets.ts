/** The fewest bytes an HS256 JWT secret may have: 256 bits. */
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

/** How to make a good secret, for error messages. */
export const HOW_TO_GENERATE_SECRET =
  'generate one with `openssl rand -base64 32` and set auth.jwt.secret (or FLUXBASE_AUTH_JWT_SECRET)';

/** True for a secret published in a guide or template. */
export function isPlaceholderSecret(secret: string): boolean {
  return PLACEHOLDER_SECRETS.includes(secret.trim());
}
