import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createRateLimiter,
  type RateLimiter,
  rateLimitMiddleware,
  routeScope,
  withRateLimit,
} from '../../src/ratelimit/index.ts';

const NOW = 1_700_000_000_000;

function limiter(): RateLimiter {
  return createRateLimiter({
    backend: 'memory',
    limits: { anonymous: 2, authenticated: 3 },
    window: '1m',
    globalRateLimit: true,
    clock: () => NOW,
  });
}

async function serve(
  trustProxy: boolean,
): Promise<{ url: string; server: Server }> {
  const middleware = rateLimitMiddleware(limiter(), { trustProxy });
  const server = createServer((req, res) => {
    const user = req.headers['x-test-user'];
    if (typeof user === 'string') {
      Object.assign(req, { auth: { sub: user, role: 'authenticated' } });
    }
    middleware(req, res, () => res.end('ok'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/things?page=1`, server };
}

function rateHeaders(response: Response) {
  return {
    status: response.status,
    policy: response.headers.get('ratelimit-policy'),
    rateLimit: response.headers.get('ratelimit'),
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('the Express/Connect middleware', () => {
  let trusted: { url: string; server: Server };
  let direct: { url: string; server: Server };
  beforeAll(async () => {
    trusted = await serve(true);
    direct = await serve(false);
  });
  afterAll(() => {
    trusted.server.close();
    direct.server.close();
  });

  it('sets the RateLimit headers and answers 429 with a JSON body', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.7' };
    const seen = [];
    for (let i = 0; i < 3; i++) {
      seen.push(rateHeaders(await fetch(trusted.url, { headers })));
    }
    expect(seen).toEqual([
      {
        status: 200,
        policy: '"anon";q=2;w=60',
        rateLimit: '"anon";r=1;t=30',
        retryAfter: null,
      },
      {
        status: 200,
        policy: '"anon";q=2;w=60',
        rateLimit: '"anon";r=0;t=60',
        retryAfter: null,
      },
      {
        status: 429,
        policy: '"anon";q=2;w=60',
        rateLimit: '"anon";r=0;t=60',
        retryAfter: '30',
      },
    ]);
    const refused = await fetch(trusted.url, { headers });
    expect(refused.headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );
    expect(await refused.json()).toEqual({
      error: 'rate_limited',
      message: 'Too many requests: try again in 30 s',
      retry_after_ms: 30_000,
    });
  });

  it('keys by X-Forwarded-For only behind a trusted proxy', async () => {
    const statuses = async (url: string) => {
      const out = [];
      for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        const r = await fetch(url, { headers: { 'x-forwarded-for': ip } });
        out.push(r.status);
      }
      return out;
    };
    expect(await statuses(trusted.url)).toEqual([200, 200, 200]);
    expect(await statuses(direct.url)).toEqual([200, 200, 429]);
  });

  it('keys a signed-in user by id with the authenticated limit', async () => {
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const r = await fetch(trusted.url, {
        headers: { 'x-test-user': 'user-7', 'x-forwarded-for': '203.0.113.7' },
      });
      seen.push(`${r.status} ${r.headers.get('ratelimit')}`);
    }
    expect(seen).toEqual([
      '200 "authenticated";r=2;t=20',
      '200 "authenticated";r=1;t=40',
      '200 "authenticated";r=0;t=60',
      '429 "authenticated";r=0;t=60',
    ]);
  });
});

describe('per-route limits', () => {
  it('count every spelling of a route against one bucket', async () => {
    const perRoute = createRateLimiter({
      backend: 'memory',
      limits: { anonymous: 3 },
      window: '1m',
      clock: () => NOW,
    });
    const handler = withRateLimit(perRoute, async () => new Response('ok'), {
      remoteAddress: () => '203.0.113.9',
    });
    const statuses: string[] = [];
    for (const [method, path] of [
      ['GET', '/login'],
      ['GET', '/LOGIN'],
      ['HEAD', '/login/'],
      ['GET', '//login'],
      ['GET', '/%6cogin'],
      ['GET', '/x/../login'],
      ['POST', '/login'],
      ['GET', '/logout'],
    ] as const) {
      const response = await handler(
        new Request(`http://app.test${path}`, { method }),
      );
      statuses.push(`${method} ${path} ${response.status}`);
    }
    expect(statuses).toEqual([
      'GET /login 200',
      'GET /LOGIN 200',
      'HEAD /login/ 200',
      'GET //login 429',
      'GET /%6cogin 429',
      'GET /x/../login 429',
      'POST /login 200',
      'GET /logout 200',
    ]);
  });

  it('name a route by method and path alone', () => {
    expect(
      [
        ['GET', '/a%2F..%2Flogin'],
        ['get', '\\\\Login//'],
        ['GET', '/caf%C3%A9'],
        ['GET', '/%zz'],
        ['GET', '//'],
      ].map(([method, path]) => routeScope(method!, path!)),
    ).toEqual(['GET /login', 'GET /login', 'GET /café', 'GET /%zz', 'GET /']);
  });
});

describe('the Fetch API wrapper', () => {
  const handler = withRateLimit(
    limiter(),
    async (request: Request) =>
      Response.json({ path: new URL(request.url).pathname }),
    {
      identify: (req) => ({
        userId: req.headers.get('x-user-id') ?? undefined,
      }),
      cost: (req) => (req.method === 'POST' ? 2 : 1),
      remoteAddress: () => '192.0.2.1',
    },
  );

  it('passes requests through with the headers, then answers 429', async () => {
    const first = await handler(new Request('http://app.test/a'));
    expect(rateHeaders(first)).toEqual({
      status: 200,
      policy: '"anon";q=2;w=60',
      rateLimit: '"anon";r=1;t=30',
      retryAfter: null,
    });
    expect(await first.json()).toEqual({ path: '/a' });
    await handler(new Request('http://app.test/b'));
    const refused = await handler(new Request('http://app.test/c'));
    expect(rateHeaders(refused)).toEqual({
      status: 429,
      policy: '"anon";q=2;w=60',
      rateLimit: '"anon";r=0;t=60',
      retryAfter: '30',
    });
    expect(await refused.json()).toEqual({
      error: 'rate_limited',
      message: 'Too many requests: try again in 30 s',
      retry_after_ms: 30_000,
    });
  });

  it('charges the cost the options give and keys users by id', async () => {
    const post = () =>
      handler(
        new Request('http://app.test/a', {
          method: 'POST',
          headers: { 'x-user-id': 'user-9' },
        }),
      );
    const seen = [];
    for (let i = 0; i < 2; i++) {
      const r = await post();
      seen.push(`${r.status} ${r.headers.get('ratelimit')}`);
    }
    expect(seen).toEqual([
      '200 "authenticated";r=1;t=40',
      '429 "authenticated";r=1;t=40',
    ]);
  });

  it('adds the headers to a response whose headers are immutable', async () => {
    const wrapped = withRateLimit(limiter(), (_request: Request) =>
      Response.redirect('http://app.test/x', 302),
    );
    const response = await wrapped(new Request('http://app.test/r'));
    expect(response.status).toBe(302);
    expect(response.headers.get('ratelimit')).toBe('"anon";r=1;t=30');
  });
});
