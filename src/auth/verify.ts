import {
  type CryptoKey,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';

import { AuthError } from './errors.ts';
import type { AuthClaims, OidcIssuer } from './shared.ts';

const EXTERNAL_ALGORITHMS = ['RS256', 'ES256'];

type RemoteKeys = ReturnType<typeof createRemoteJWKSet>;

export interface SignatureOptions {
  key: Promise<CryptoKey>;
  issuer?: string | undefined;
  audience?: string | undefined;
  oidc?: readonly OidcIssuer[];
}

/**
 * Checks a token's signature, algorithm and exp/nbf/iss/aud, not its
 * revocation. HS256 tokens are checked with our secret alone; RS256 and
 * ES256 ones only with the keys of the configured OIDC issuer they name.
 * `none` and every other algorithm are refused, and a token cannot pick
 * its own key type: an HS256 token is never checked with a public key.
 */
export class SignatureVerifier {
  readonly #options: SignatureOptions;
  readonly #remote = new Map<string, RemoteKeys>();

  constructor(options: SignatureOptions) {
    this.#options = options;
  }

  async verify(token: string): Promise<AuthClaims> {
    const alg = algorithmOf(token);
    try {
      const payload =
        alg === 'HS256'
          ? await this.#local(token)
          : await this.#external(token, alg);
      return assertShape(payload);
    } catch (error) {
      throw toAuthError(error);
    }
  }

  async #local(token: string): Promise<JWTPayload> {
    const options: JWTVerifyOptions = { algorithms: ['HS256'] };
    if (this.#options.issuer) options.issuer = this.#options.issuer;
    if (this.#options.audience) options.audience = this.#options.audience;
    const { payload } = await jwtVerify(
      token,
      await this.#options.key,
      options,
    );
    return payload;
  }

  async #external(token: string, alg: string): Promise<JWTPayload> {
    if (!EXTERNAL_ALGORITHMS.includes(alg)) {
      throw new AuthError('token_invalid', `algorithm ${alg} is not accepted`);
    }
    const issuer = this.#issuerOf(token);
    const options: JWTVerifyOptions = {
      algorithms: EXTERNAL_ALGORITHMS,
      issuer: issuer.issuer,
    };
    if (issuer.audience) options.audience = issuer.audience;
    const { payload } = await jwtVerify(token, this.#keysOf(issuer), options);
    // Limitation: an identity provider's own `role` claim is not mapped;
    // its users run as authenticated, so that no provider can mint a
    // token that withAuth would run as service_role.
    return { ...payload, role: 'authenticated' };
  }

  #issuerOf(token: string): OidcIssuer {
    const { iss } = decodeJwt(token);
    const found = this.#options.oidc?.find((entry) => entry.issuer === iss);
    if (!found) {
      throw new AuthError('token_invalid', 'token issuer is not trusted');
    }
    return found;
  }

  #keysOf(issuer: OidcIssuer): RemoteKeys {
    let keys = this.#remote.get(issuer.issuer);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(issuer.jwks_uri));
      this.#remote.set(issuer.issuer, keys);
    }
    return keys;
  }
}

function algorithmOf(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === 'string') return alg;
  } catch (error) {
    throw new AuthError('token_invalid', 'token is not a JWT', {
      cause: error,
    });
  }
  throw new AuthError('token_invalid', 'token header names no algorithm');
}

function assertShape(payload: JWTPayload): AuthClaims {
  const ok =
    typeof payload.sub === 'string' &&
    typeof payload.exp === 'number' &&
    typeof payload.iat === 'number';
  if (!ok) {
    throw new AuthError('token_invalid', 'token lacks sub, iat or exp');
  }
  const role =
    typeof payload.role === 'string' ? payload.role : 'authenticated';
  return { ...payload, role } as AuthClaims;
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) {
    return new AuthError('token_expired', 'token has expired', {
      cause: error,
    });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const what =
      error.claim === 'nbf'
        ? 'token is not valid yet'
        : `token claim ${error.claim} is not valid`;
    return new AuthError('token_invalid', what, { cause: error });
  }
  if (error instanceof errors.JOSEError) {
    return new AuthError('token_invalid', 'token signature is not valid', {
      cause: error,
    });
  }
  return new AuthError('token_invalid', 'token is not valid', {
    cause: error,
  });
}
