import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import {
  securityHeaders,
  securityHeadersMiddleware,
  withSecurityHeaders,
} from '../../src/http/headers.ts';

describe('securityHeaders', () => {
  it("gives the guide's five headers by default", () => {
    expect(securityHeaders()).toEqual({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'X-XSS-Protection': '1; mode=block',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'Content-Security-Policy': "default-src 'self'",
    });
  });

  it('replaces a header whatever the case of its name, drops one set to false, and adds new ones', () => {
    expect(
      securityHeaders({
        'content-security-policy': "default-src 'self' cdn.example.com",
        'X-XSS-Protection': false,
        'Referrer-Policy': 'no-referrer',
      }),
    ).toEqual({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'Content-Security-Policy': "default-src 'self' cdn.example.com",
      'Referrer-Policy': 'no-referrer',
    });
  });
});

describe('security headers on a real server', () => {
  it('sets them through the Express/Connect middleware', async () => {
    const middleware = securityHeadersMiddleware({
      'X-Frame-Options': 'SAMEORIGIN',
    });
    const server = createServer((req, res) => {
      middleware(req, res, () => res.end('ok'));
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(await response.text()).toBe('ok');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'self'",
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('adds them to a Fetch handler, also to an immutable response', async () => {
    const plain = withSecurityHeaders(
      (_request: Request) => new Response('hi', { status: 201 }),
    );
    const immutable = withSecurityHeaders(() =>
      Response.redirect('https://example.com/', 302),
    );

    const first = await plain(new Request('http://localhost/'));
    expect(first.status).toBe(201);
    expect(await first.text()).toBe('hi');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');

    const second = await immutable();
    expect(second.status).toBe(302);
    expect(second.headers.get('x-frame-options')).toBe('DENY');
  });
});
