export {
  API_KEY_PREFIX,
  type ApiKeyGrant,
  type ApiKeyInfo,
  type CreateApiKeyInput,
  type CreatedApiKey,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
} from './api-keys.ts';
export { type ContextClaims, withAuth } from './context.ts';
export {
  Auth,
  type AuthOptions,
  authOptionsFromConfig,
  type Credentials,
  createAuth,
  type JwtOptions,
  type SignInInput,
  type SignUpInput,
} from './create.ts';
export { AuthError, type AuthErrorCode, WeakSecretError } from './errors.ts';
export {
  DEFAULT_SCRYPT,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  type ScryptParams,
  verifyPassword,
} from './password.ts';
export {
  REVOCATION_CHANNEL,
  RevocationCache,
  type RevocationCacheOptions,
} from './revocation.ts';
export { assertJwtSecret } from './secret.ts';
export {
  type AuthClaims,
  type AuthSession,
  type AuthUser,
  type OidcIssuer,
  REQUEST_ROLES,
  type RequestRole,
} from './shared.ts';
export {
  listSessions,
  purgeRevocations,
  revokeSession,
  revokeUserSessions,
  type SessionRow,
  userExists,
} from './store.ts';
