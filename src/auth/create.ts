import { randomBytes } from 'node:crypto';

import type { CryptoKey } from 'jose';

import { durationMs } from '../config/duration.ts';
import type { FluxbaseConfig } from '../config/schema.ts';
import type { Database } from '../db/shared.ts';
import {
  type ApiKeyGrant,
  type CreateApiKeyInput,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
} from './api-keys.ts';
import { AuthError } from './errors.ts';
import {
  assertStrongPassword,
  DEFAULT_SCRYPT,
  hashPassword,
  type ScryptParams,
  verifyPassword,
} from './password.ts';
import { RevocationCache, type RevocationCacheOptions } from './revocation.ts';
import { assertJwtSecret } from './secret.ts';
import type {
  AuthClaims,
  AuthSession,
  AuthUser,
  OidcIssuer,
} from './shared.ts';
import * as store from './store.ts';
import {
  accessClaims,
  importSecret,
  opaqueToken,
  signClaims,
  type TokenSubject,
  tokenHash,
} from './tokens.ts';
import { SignatureVerifier } from './verify.ts';

export interface JwtOptions {
  /** HS256 secret of at least 256 bits. */
  secret: string;
  /** Access-token lifetime (default 1h). */
  expiry?: string;
  /** Session and refresh-token lifetime (default 720h: 30 days). */
  refreshExpiry?: string;
  issuer?: string | undefined;
  audience?: string | undefined;
}

export interface AuthOptions {
  db: Database;
  jwt: JwtOptions;
  /** External providers whose RS256/ES256 tokens `verify` accepts. */
  oidc?: { issuers: readonly OidcIssuer[] };
  /** `production` refuses placeholder secrets (default FLUXBASE_ENV). */
  env?: string | undefined;
  /** scrypt cost for new password hashes (default N=2^15, r=8, p=1). */
  password?: ScryptParams;
  /** Tuning of the in-process revocation cache. */
  revocationCache?: RevocationCacheOptions;
}

export interface Credentials {
  email: string;
  password: string;
}

export interface SignInInput extends Credentials {
  userAgent?: string;
  ip?: string;
}

export interface SignUpInput extends SignInInput {
  /** Stored in raw_user_meta_data. */
  data?: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Users who sign in always get this role: never service_role. */
const USER_ROLE = 'authenticated';

/** A stored hash that no password matches, for unknown emails. */
function decoyHash(params: ScryptParams): string {
  const salt = randomBytes(16).toString('base64url');
  const key = randomBytes(32).toString('base64url');
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt}$${key}`;
}

function normaliseEmail(email: string): string {
  const clean = email.trim();
  if (!EMAIL.test(clean)) {
    throw new AuthError('invalid_credentials', 'email is not valid');
  }
  return clean;
}

function invalidCredentials(): AuthError {
  return new AuthError('invalid_credentials', 'invalid email or password');
}

/**
 * Sign-up, sign-in, token refresh with rotation, sign-out and revocation
 * for one database. Make it with `createAuth`.
 */
export class Auth {
  readonly #db: Database;
  readonly #key: Promise<CryptoKey>;
  readonly #expirySeconds: number;
  readonly #refreshMs: number;
  readonly #jwt: JwtOptions;
  readonly #password: ScryptParams;
  readonly #decoy: string;
  readonly #signatures: SignatureVerifier;
  readonly #revocations: RevocationCache;

  /** Calls that only need the database: revocation, sessions, keys. */
  readonly admin: {
    revokeUserSessions(userId: string, reason?: string): Promise<number>;
    revokeSession(sessionId: string, reason?: string): Promise<boolean>;
    listSessions(userId: string): Promise<store.SessionRow[]>;
    purgeRevocations(): Promise<number>;
  };

  /** API keys: made, listed, revoked and checked. */
  readonly apiKeys: {
    create(input: CreateApiKeyInput): ReturnType<typeof createApiKey>;
    list(): ReturnType<typeof listApiKeys>;
    revoke(name: string): Promise<boolean>;
    verify(key: string): Promise<ApiKeyGrant>;
  };

  constructor(options: AuthOptions) {
    const env = options.env ?? process.env.FLUXBASE_ENV;
    assertJwtSecret(options.jwt.secret, env);
    this.#db = options.db;
    this.#jwt = options.jwt;
    this.#key = importSecret(options.jwt.secret);
    this.#expirySeconds = Math.floor(
      durationMs(options.jwt.expiry ?? '1h') / 1000,
    );
    this.#refreshMs = durationMs(options.jwt.refreshExpiry ?? '720h');
    this.#password = options.password ?? DEFAULT_SCRYPT;
    this.#decoy = decoyHash(this.#password);
    this.#signatures = new SignatureVerifier({
      key: this.#key,
      issuer: options.jwt.issuer,
      audience: options.jwt.audience,
      oidc: options.oidc?.issuers ?? [],
    });
    this.#revocations = new RevocationCache(
      options.db,
      options.revocationCache,
    );
    const db = options.db;
    this.admin = {
      revokeUserSessions: (userId, reason) =>
        this.#revoking(store.revokeUserSessions(db, userId, reason)),
      revokeSession: (sessionId, reason) =>
        this.#revoking(store.revokeSession(db, sessionId, reason)),
      listSessions: (userId) => store.listSessions(db, userId),
      purgeRevocations: () => store.purgeRevocations(db),
    };
    this.apiKeys = {
      create: (input) => createApiKey(db, input),
      list: () => listApiKeys(db),
      revoke: (name) => revokeApiKey(db, name),
      verify: (key) => verifyApiKey(db, key),
    };
  }

  /** Creates a user and signs them in. */
  async signUp(
    input: SignUpInput,
  ): Promise<{ user: AuthUser; session: AuthSession }> {
    const email = normaliseEmail(input.email);
    assertStrongPassword(input.password);
    const hash = await hashPassword(input.password, this.#password);
    const row = await store.insertUser(this.#db, email, hash, input.data ?? {});
    const user = { id: row.id, email: row.email, role: USER_ROLE };
    return { user, session: await this.#open(user, input) };
  }

  /**
   * Checks email and password and opens a session. An unknown email costs
   * the same scrypt work and gives the same error as a wrong password.
   */
  async signIn(input: SignInInput): Promise<{ session: AuthSession }> {
    const found = EMAIL.test(input.email.trim())
      ? await store.userForSignIn(this.#db, input.email.trim())
      : undefined;
    const hash = found?.encrypted_password ?? this.#decoy;
    const matches = await verifyPassword(input.password, hash);
    if (!found || !matches || !this.#maySignIn(found)) {
      throw invalidCredentials();
    }
    const user = { id: found.id, email: found.email, role: USER_ROLE };
    return { session: await this.#open(user, input) };
  }

  #maySignIn(user: store.SignInRow): boolean {
    const now = Date.now();
    if (user.deleted_at) return false;
    return !user.banned_until || user.banned_until.getTime() <= now;
  }

  async #open(user: AuthUser, input: SignInInput): Promise<AuthSession> {
    const refreshToken = opaqueToken();
    const notAfter = new Date(Date.now() + this.#refreshMs);
    const session = await store.startSession(this.#db, {
      userId: user.id,
      notAfter,
      refreshHash: tokenHash(refreshToken),
      userAgent: input.userAgent,
      ip: input.ip,
    });
    const subject = {
      userId: user.id,
      email: user.email,
      role: user.role,
      sessionId: session.id,
      aal: session.aal,
    };
    return this.#issue(subject, notAfter, refreshToken, user);
  }

  async #issue(
    subject: TokenSubject,
    notAfter: Date,
    refreshToken: string,
    user: AuthUser,
  ): Promise<AuthSession> {
    const claims = accessClaims(subject, {
      expirySeconds: this.#expirySeconds,
      notAfter,
      issuer: this.#jwt.issuer,
      audience: this.#jwt.audience,
    });
    return {
      access_token: await signClaims(claims, await this.#key),
      refresh_token: refreshToken,
      token_type: 'bearer',
      expires_in: claims.exp - claims.iat,
      expires_at: claims.exp,
      user,
    };
  }

  /**
   * Trades a refresh token for a new access token and a new refresh
   * token. A token that was already traded revokes its whole session and
   * fails with `refresh_token_reused`.
   */
  async refresh(refreshToken: string): Promise<{ session: AuthSession }> {
    const next = opaqueToken();
    const row = await store.rotateRefreshToken(
      this.#db,
      tokenHash(refreshToken),
      tokenHash(next),
    );
    if (row.status === 'reused') this.#revocations.invalidate();
    if (row.status !== 'ok') throw rotationError(row.status);
    const user = { id: row.user_id!, email: row.email!, role: USER_ROLE };
    const subject = {
      userId: user.id,
      email: user.email,
      role: USER_ROLE,
      sessionId: row.session_id!,
      aal: row.aal ?? 'aal1',
    };
    return { session: await this.#issue(subject, row.not_after!, next, user) };
  }

  /** Ends the session of this access token (every token it issued). */
  async signOut(accessToken: string): Promise<void> {
    const claims = await this.verify(accessToken);
    if (claims.session_id) {
      await this.#revoking(
        store.revokeSession(this.#db, claims.session_id, 'sign_out'),
      );
    } else if (claims.jti) {
      await this.#revoking(
        store.revokeToken(
          this.#db,
          claims.jti,
          new Date(claims.exp * 1000),
          'sign_out',
        ),
      );
    } else {
      throw new AuthError('session_not_found', 'token names no session to end');
    }
  }

  /**
   * The claims of a valid access token: signature, algorithm, exp, nbf,
   * iss and aud checked, then revocation (cached; refreshed by NOTIFY).
   */
  async verify(accessToken: string): Promise<AuthClaims> {
    const claims = await this.#signatures.verify(accessToken);
    if (await this.#revocations.isRevoked(claims)) {
      throw new AuthError('token_revoked', 'token has been revoked');
    }
    return claims;
  }

  /** Resolves once the revocation cache listens for NOTIFY. */
  ready(): Promise<void> {
    return this.#revocations.ready();
  }

  /** Stops listening; the database stays open (it is the caller's). */
  close(): Promise<void> {
    return this.#revocations.close();
  }

  async #revoking<T>(work: Promise<T>): Promise<T> {
    const result = await work;
    this.#revocations.invalidate();
    return result;
  }
}

function rotationError(status: store.RotationRow['status']): AuthError {
  switch (status) {
    case 'reused':
      return new AuthError(
        'refresh_token_reused',
        'refresh token was already used: its session is revoked',
      );
    case 'revoked':
      return new AuthError('token_revoked', 'refresh token has been revoked');
    case 'expired':
      return new AuthError('token_expired', 'session has expired');
    default:
      return new AuthError(
        'session_not_found',
        'no session has this refresh token',
      );
  }
}

/**
 * Sign-up, sign-in, refresh, sign-out and verification over one database.
 *
 * @example
 * const auth = createAuth({ db, jwt: { secret: process.env.JWT_SECRET! } });
 * const { session } = await auth.signIn({ email, password });
 * const claims = await auth.verify(session.access_token);
 */
export function createAuth(options: AuthOptions): Auth {
  return new Auth(options);
}

/**
 * The options of `createAuth` from a loaded fluxbase.yaml.
 *
 * @example
 * const auth = createAuth(authOptionsFromConfig(db, loaded.config));
 */
export function authOptionsFromConfig(
  db: Database,
  config: FluxbaseConfig,
  env?: string,
): AuthOptions {
  const jwt = config.auth.jwt;
  return {
    db,
    env,
    jwt: {
      secret: jwt.secret ?? '',
      expiry: jwt.expiry,
      refreshExpiry: jwt.refresh_expiry,
      issuer: jwt.issuer,
      audience: jwt.audience,
    },
    oidc: { issuers: config.auth.oidc.issuers },
  };
}
