import type { JWTPayload } from 'jose';

/** The three roles a request may run as. */
export const REQUEST_ROLES = ['anon', 'authenticated', 'service_role'] as const;
export type RequestRole = (typeof REQUEST_ROLES)[number];

/** The claims of a verified access token. */
export interface AuthClaims extends JWTPayload {
  sub: string;
  role: string;
  email?: string;
  session_id?: string;
  aal?: string;
  jti?: string;
  iat: number;
  exp: number;
}

/** A user as sign-in and sign-up return it. */
export interface AuthUser {
  id: string;
  email: string;
  role: string;
}

/** What signIn, signUp and refresh hand to the client. */
export interface AuthSession {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  /** Seconds the access token is valid for. */
  expires_in: number;
  /** When the access token expires, in seconds since the epoch. */
  expires_at: number;
  user: AuthUser;
}

/** An external identity provider whose RS256/ES256 tokens are accepted. */
export interface OidcIssuer {
  issuer: string;
  jwks_uri: string;
  audience?: string | undefined;
}
