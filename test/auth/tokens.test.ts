import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type Auth,
  AuthError,
  createAuth,
  WeakSecretError,
} from '../../src/auth/index.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { newUser, SECRET, testAuth } from './support.ts';

const now = () => Math.floor(Date.now() / 1000);
const SUB = '7d1c6a52-3e4f-4a8b-9c0d-1e2f3a4b5c6d';
const secretKey = new TextEncoder().encode(SECRET);

let t: TestDatabase;
let auth: Auth;
let jwks: Server;
let issuer: string;
let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
let ec: Awaited<ReturnType<typeof generateKeyPair>>;

async function startJwks(keys: JWK[]): Promise<string> {
  jwks = createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const { port } = jwks.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  t = await freshDatabase();
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  const keys = [
    {
      ...(await exportJWK(rsa.publicKey)),
      kid: 'rsa-1',
      alg: 'RS256',
      use: 'sig',
    },
    {
      ...(await exportJWK(ec.publicKey)),
      kid: 'ec-1',
      alg: 'ES256',
      use: 'sig',
    },
  ];
  const base = await startJwks(keys);
  issuer = `${base}/realms/test`;
  auth = testAuth(t.db, {
    oidc: {
      issuers: [
        { issuer, jwks_uri: `${base}/jwks.json`, audience: 'fluxbase-app' },
      ],
    },
  });
  await auth.ready();
});
afterAll(async () => {
  await auth.close();
  await new Promise((resolve) => jwks.close(resolve));
  await t.drop();
});

function claims(extra: JWTPayload = {}): JWTPayload {
  return {
    sub: SUB,
    role: 'authenticated',
    iat: now(),
    exp: now() + 60,
    ...extra,
  };
}

function hs256(payload: JWTPayload, key: Uint8Array = secretKey) {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

async function refusal(token: string): Promise<[string, string]> {
  try {
    await auth.verify(token);
  } catch (error) {
    if (error instanceof AuthError) return [error.code, error.message];
    throw error;
  }
  return ['accepted', ''];
}

describe('verify refuses', () => {
  it('an expired token', async () => {
    const token = await hs256(claims({ iat: now() - 120, exp: now() - 60 }));
    expect(await refusal(token)).toEqual([
      'token_expired',
      'token has expired',
    ]);
  });

  it('a token that is not valid yet', async () => {
    const token = await hs256(claims({ nbf: now() + 600 }));
    expect(await refusal(token)).toEqual([
      'token_invalid',
      'token is not valid yet',
    ]);
  });

  it('a token signed with another secret', async () => {
    const other = new TextEncoder().encode('x'.repeat(32));
    expect(await refusal(await hs256(claims(), other))).toEqual([
      'token_invalid',
      'token signature is not valid',
    ]);
  });

  it('an unsigned token (alg none)', async () => {
    const part = (value: object) =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part(claims())}.`;
    expect(await refusal(token)).toEqual([
      'token_invalid',
      'algorithm none is not accepted',
    ]);
  });

  it('an HS256 token signed with the identity provider public key', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const jwk = new TextEncoder().encode(
      JSON.stringify(await exportJWK(rsa.publicKey)),
    );
    const payload = claims({ iss: issuer, aud: 'fluxbase-app' });
    for (const key of [pem, jwk]) {
      expect(await refusal(await hs256(payload, key))).toEqual([
        'token_invalid',
        'token signature is not valid',
      ]);
    }
  });

  it('a token that is not a JWT at all', async () => {
    expect(await refusal('not-a-token')).toEqual([
      'token_invalid',
      'token is not a JWT',
    ]);
  });

  it('a token without exp', async () => {
    const token = await hs256({ sub: SUB, iat: now() });
    expect(await refusal(token)).toEqual([
      'token_invalid',
      'token lacks sub, iat or exp',
    ]);
  });
});

describe('external identity providers', () => {
  async function external(
    alg: 'RS256' | 'ES256',
    payload: JWTPayload,
    key = alg === 'RS256' ? rsa.privateKey : ec.privateKey,
  ) {
    const kid = alg === 'RS256' ? 'rsa-1' : 'ec-1';
    return new SignJWT(payload).setProtectedHeader({ alg, kid }).sign(key);
  }

  it('accepts RS256 and ES256 tokens from a configured issuer', async () => {
    const payload = claims({
      sub: 'auth0|42',
      iss: issuer,
      aud: 'fluxbase-app',
    });
    for (const alg of ['RS256', 'ES256'] as const) {
      const verified = await auth.verify(await external(alg, payload));
      expect(verified).toMatchObject({ sub: 'auth0|42', iss: issuer });
    }
  });

  it('runs external users as authenticated whatever role they claim', async () => {
    const payload = claims({
      iss: issuer,
      aud: 'fluxbase-app',
      role: 'service_role',
    });
    const verified = await auth.verify(await external('RS256', payload));
    expect(verified.role).toBe('authenticated');
  });

  it('refuses a token for another audience', async () => {
    const token = await external(
      'RS256',
      claims({ iss: issuer, aud: 'someone-else' }),
    );
    expect(await refusal(token)).toEqual([
      'token_invalid',
      'token claim aud is not valid',
    ]);
  });

  it('refuses a token from an issuer that is not configured', async () => {
    const token = await external(
      'RS256',
      claims({ iss: 'https://evil.example', aud: 'fluxbase-app' }),
    );
    expect(await refusal(token)).toEqual([
      'token_invalid',
      'token issuer is not trusted',
    ]);
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const stranger = await generateKeyPair('RS256');
    const token = await external(
      'RS256',
      claims({ iss: issuer, aud: 'fluxbase-app' }),
      stranger.privateKey,
    );
    expect(await refusal(token)).toEqual([
      'token_invalid',
      'token signature is not valid',
    ]);
  });
});

describe('issuer and audience of our own tokens', () => {
  it('refuses a token without the configured issuer', async () => {
    const strict = testAuth(t.db, {
      jwt: { secret: SECRET, issuer: 'https://fluxbase.test', audience: 'app' },
    });
    const who = newUser();
    const { session } = await strict.signUp(who);
    const verified = await strict.verify(session.access_token);
    expect(verified).toMatchObject({
      iss: 'https://fluxbase.test',
      aud: 'app',
    });

    const bare = await hs256(claims());
    await expect(strict.verify(bare)).rejects.toMatchObject({
      code: 'token_invalid',
      message: 'token claim iss is not valid',
    });
    await strict.close();
  });
});

describe('the JWT secret', () => {
  const make = (secret: string, env?: string) => () =>
    createAuth({ db: t.db, jwt: { secret }, env });

  it('must have at least 256 bits', () => {
    expect(make('x'.repeat(31))).toThrow(
      new WeakSecretError(
        'auth.jwt.secret has 248 bits; at least 256 are needed: generate one with `openssl rand -base64 32` and set auth.jwt.secret (or FLUXBASE_AUTH_JWT_SECRET)',
      ),
    );
  });

  it("refuses the guide's dev-secret-key in production, saying how to make one", () => {
    expect(make('dev-secret-key', 'production')).toThrow(
      'auth.jwt.secret is a published placeholder and is refused with FLUXBASE_ENV=production: generate one with `openssl rand -base64 32`',
    );
  });

  it('refuses a long published placeholder in production only', async () => {
    const placeholder =
      'super-secret-jwt-token-with-at-least-32-characters-long';
    expect(make(placeholder, 'production')).toThrow(WeakSecretError);
    const dev = make(placeholder, 'development')();
    await dev.close();
  });

  it('refuses a missing secret', () => {
    expect(make('')).toThrow('auth.jwt.secret is not set');
  });
});
