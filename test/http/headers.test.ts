import { describe, expect, it } from 'vitest';

import { securityHeaders } from '../../src/http/headers.ts';

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
