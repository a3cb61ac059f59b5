import { FluxbaseError } from '../errors.ts';

/** The stable codes an `AuthError` carries. */
export type AuthErrorCode =
  | 'invalid_credentials'
  | 'weak_password'
  | 'email_taken'
  | 'token_expired'
  | 'token_revoked'
  | 'token_invalid'
  | 'refresh_token_reused'
  | 'session_not_found'
  | 'role_not_allowed'
  | 'api_key_invalid'
  | 'api_key_exists';

/**
 * A refused authentication step. `code` is stable; the message is for
 * people and never holds a token, a password or a key.
 *
 * @example
 * try { await auth.verify(token); }
 * catch (e) { if (e instanceof AuthError && e.code === 'token_expired') … }
 */
export class AuthError extends FluxbaseError {
  override readonly exitCode = 1;
  declare readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** A JWT secret that is too short or a known placeholder. */
export class WeakSecretError extends FluxbaseError {
  constructor(message: string) {
    super('jwt_secret_weak', message);
  }
}
