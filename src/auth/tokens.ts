import { createHash, randomBytes, randomUUID, webcrypto } from 'node:crypto';

import { type CryptoKey, SignJWT } from 'jose';

import type { AuthClaims } from './shared.ts';

/** What goes into an access token besides the times and its id. */
export interface TokenSubject {
  userId: string;
  email: string;
  role: string;
  sessionId: string;
  aal: string;
}

export interface MintOptions {
  /** Access-token lifetime in seconds. */
  expirySeconds: number;
  /** The session's end: the token never outlives it. */
  notAfter: Date;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** Imports an HS256 secret once, for signing and verifying. */
export function importSecret(secret: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  ) as Promise<CryptoKey>;
}

/** The claims of a new access token. */
export function accessClaims(subject: TokenSubject, options: MintOptions) {
  const iat = Math.floor(Date.now() / 1000);
  const end = Math.floor(options.notAfter.getTime() / 1000);
  const claims: AuthClaims = {
    sub: subject.userId,
    role: subject.role,
    email: subject.email,
    session_id: subject.sessionId,
    aal: subject.aal,
    jti: randomUUID(),
    iat,
    exp: Math.min(iat + options.expirySeconds, end),
  };
  if (options.issuer) claims.iss = options.issuer;
  if (options.audience) claims.aud = options.audience;
  return claims;
}

/** Signs claims as an HS256 JWT. */
export function signClaims(claims: AuthClaims, key: CryptoKey) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(key);
}

/** A fresh opaque token (refresh tokens, API keys): 32 random bytes. */
export function opaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The SHA-256 of a token in hex: all the database ever keeps of it. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
