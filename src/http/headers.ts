import {
  type NodeLikeResponse,
  setNodeHeaders,
  withFetchHeaders,
} from './response.ts';

/** The security guide's response headers, before any override. */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-XSS-Protection': '1; mode=block',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Content-Security-Policy': "default-src 'self'",
};

/** `server.security_headers`: a header name to a value, or false to drop it. */
export type HeaderOverrides = Readonly<Record<string, string | false>>;

function canonical(name: string): string {
  const known = Object.keys(DEFAULT_SECURITY_HEADERS).find(
    (k) => k.toLowerCase() === name.toLowerCase(),
  );
  return known ?? name;
}

/**
 * The headers to send: the guide's defaults with `overrides` applied
 * (names match case-insensitively; `false` removes a header).
 *
 * @example
 * securityHeaders({ 'Content-Security-Policy': "default-src 'self' cdn.example.com" });
 */
export function securityHeaders(
  overrides: HeaderOverrides = {},
): Record<string, string> {
  const headers: Record<string, string> = { ...DEFAULT_SECURITY_HEADERS };
  for (const [name, value] of Object.entries(overrides)) {
    const key = canonical(name);
    if (value === false) delete headers[key];
    else headers[key] = value;
  }
  return headers;
}

/**
 * Express/Connect middleware that sets the security headers on every
 * response before the next handler runs.
 *
 * @example
 * app.use(securityHeadersMiddleware(config.server.security_headers));
 */
export function securityHeadersMiddleware(overrides: HeaderOverrides = {}) {
  const headers = securityHeaders(overrides);
  return (_req: unknown, res: NodeLikeResponse, next: () => void): void => {
    setNodeHeaders(res, headers);
    next();
  };
}

/**
 * Wraps a Fetch API handler (Hono, Next.js route handlers, Bun) so that
 * its responses carry the security headers.
 *
 * @example
 * export const GET = withSecurityHeaders(async () => new Response('ok'));
 */
export function withSecurityHeaders<A extends unknown[]>(
  handler: (...args: A) => Response | Promise<Response>,
  overrides: HeaderOverrides = {},
) {
  const headers = securityHeaders(overrides);
  return async (...args: A): Promise<Response> =>
    withFetchHeaders(await handler(...args), headers);
}
