import {
  clientAddress,
  fetchRequestInfo,
  type HttpRequestInfo,
  type NodeLikeRequest,
  nodeRequestInfo,
} from '../http/request.ts';
import {
  fetchJson,
  type HeaderMap,
  type NodeLikeResponse,
  sendNodeJson,
  setNodeHeaders,
  withFetchHeaders,
} from '../http/response.ts';
import type { RateLimiter } from './limiter.ts';
import { limitRole } from './limits.ts';
import type { RateLimitResult } from './shared.ts';

/** Who made a request, when an auth layer knows. */
export interface RateLimitIdentity {
  /** The user's id; the bucket is the user's rather than the address's. */
  userId?: string | undefined;
  /** The request role (default: authenticated with a user id, else anon). */
  role?: string | undefined;
}

/** Options shared by the Express middleware and the Fetch wrapper. */
export interface RateLimitHttpOptions<Req> {
  /** Whether X-Forwarded-For / X-Real-IP count (`ratelimit.trust_proxy`). */
  trustProxy?: boolean;
  /** Who made the request; undefined for an anonymous one. */
  identify?: (req: Req) => RateLimitIdentity | undefined;
  /** Tokens the request costs (default 1). */
  cost?: (req: Req) => number;
}

/** What the glue decided for one request. */
export interface HttpDecision {
  result: RateLimitResult;
  headers: HeaderMap;
  /** The 429 body, when the request is refused. */
  body?: TooManyRequestsBody;
}

/** The JSON body of a 429 answer. */
export interface TooManyRequestsBody {
  error: 'rate_limited';
  message: string;
  retry_after_ms: number;
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/**
 * The IETF `RateLimit-Policy` and `RateLimit` headers for a result, and
 * `Retry-After` when it was refused.
 *
 * @example
 * rateLimitHeaders(result, 'anon', 60_000);
 * // { 'RateLimit-Policy': '"anon";q=100;w=60', RateLimit: '"anon";r=99;t=1' }
 */
export function rateLimitHeaders(
  result: RateLimitResult,
  policy: string,
  windowMs: number,
): HeaderMap {
  const headers: HeaderMap = {
    'RateLimit-Policy': `"${policy}";q=${result.limit};w=${seconds(windowMs)}`,
    RateLimit: `"${policy}";r=${result.remaining};t=${seconds(result.resetMs)}`,
  };
  if (!result.allowed) {
    headers['Retry-After'] = String(Math.max(1, seconds(result.retryAfterMs)));
  }
  return headers;
}

function tooManyRequests(result: RateLimitResult): TooManyRequestsBody {
  const wait = Math.max(1, seconds(result.retryAfterMs));
  return {
    error: 'rate_limited',
    message: `Too many requests: try again in ${wait} s`,
    retry_after_ms: result.retryAfterMs,
  };
}

/**
 * The bucket scope of a request when limits are per route: one scope per
 * route however its path is written. Express matches paths without regard
 * to case, a trailing slash or doubled slashes, and answers HEAD with the
 * GET route, so `/LOGIN`, `/login/`, `//login`, `/%6cogin`, `/x/../login`
 * and `HEAD /login` all count against `GET /login`.
 *
 * @example
 * routeScope('HEAD', '/Login/'); // 'GET /login'
 */
export function routeScope(method: string, path: string): string {
  let route = path;
  try {
    route = decodeURIComponent(route);
  } catch {
    // A malformed escape stays as written.
  }
  // Only the dot segments are for the URL parser to resolve: every other
  // character it would read specially is escaped first, and unescaped
  // after.
  const literal = route
    .replace(/[\\/]+/g, '/')
    .replace(/[%?#]/g, (c) => encodeURIComponent(c));
  route = decodeURIComponent(new URL(literal, 'http://route.invalid').pathname);
  route = route.toLowerCase();
  if (route.length > 1) route = route.replace(/\/+$/, '') || '/';
  const verb = method.toUpperCase();
  return `${verb === 'HEAD' ? 'GET' : verb} ${route}`;
}

/**
 * Counts one HTTP request: keyed by user id when `identity` has one, else
 * by client address. The core of both adapters.
 *
 * @example
 * const { result, headers } = await decideRequest(limiter, info, undefined);
 */
export async function decideRequest(
  limiter: RateLimiter,
  info: HttpRequestInfo,
  identity: RateLimitIdentity | undefined,
  options: { trustProxy?: boolean | undefined; cost?: number } = {},
): Promise<HttpDecision> {
  const userId = identity?.userId || undefined;
  const role = limitRole(identity?.role ?? (userId ? 'authenticated' : 'anon'));
  const address = clientAddress(info, options) ?? 'unknown';
  const result = await limiter.consume({
    key: userId ? `user:${userId}` : `ip:${address}`,
    role,
    cost: options.cost ?? 1,
    scope: limiter.globalRateLimit
      ? undefined
      : routeScope(info.method, info.path),
  });
  const headers = rateLimitHeaders(result, role, limiter.windowMs);
  if (result.allowed) return { result, headers };
  return { result, headers, body: tooManyRequests(result) };
}

/** Claims an auth middleware left on `req.auth` (`sub`, `role`). */
function claimsIdentity(req: NodeLikeRequest): RateLimitIdentity | undefined {
  const auth = (req as { auth?: { sub?: unknown; role?: unknown } }).auth;
  if (!auth) return undefined;
  return {
    userId: typeof auth.sub === 'string' ? auth.sub : undefined,
    role: typeof auth.role === 'string' ? auth.role : undefined,
  };
}

/**
 * Express/Connect middleware: sets the rate-limit headers, answers 429
 * with a JSON body over the limit, else calls `next()`. By default a
 * signed-in user is read from the claims on `req.auth`.
 *
 * @example
 * app.use(rateLimitMiddleware(limiter, { trustProxy: true }));
 */
export function rateLimitMiddleware<Req extends NodeLikeRequest>(
  limiter: RateLimiter,
  options: RateLimitHttpOptions<Req> = {},
) {
  const identify = options.identify ?? claimsIdentity;
  return (req: Req, res: NodeLikeResponse, next: (e?: unknown) => void) => {
    decideRequest(limiter, nodeRequestInfo(req), identify(req), {
      trustProxy: options.trustProxy,
      cost: options.cost?.(req),
    }).then(({ headers, body }) => {
      if (!body) {
        setNodeHeaders(res, headers);
        next();
      } else sendNodeJson(res, 429, body, headers);
    }, next);
  };
}

/** Options of `withRateLimit`. */
export interface FetchRateLimitOptions extends RateLimitHttpOptions<Request> {
  /** The peer's address, when the platform gives one. */
  remoteAddress?: (request: Request) => string | undefined;
}

/**
 * Wraps a Fetch API handler (Hono, Next.js route handlers, Bun, Deno):
 * over the limit it answers 429 with a JSON body without calling the
 * handler; either way the response carries the rate-limit headers.
 *
 * @example
 * export const GET = withRateLimit(limiter, async () => Response.json({ ok: true }), {
 *   identify: (req) => ({ userId: req.headers.get('x-user-id') ?? undefined }),
 * });
 */
export function withRateLimit<Rest extends unknown[]>(
  limiter: RateLimiter,
  handler: (request: Request, ...rest: Rest) => Response | Promise<Response>,
  options: FetchRateLimitOptions = {},
) {
  return async (request: Request, ...rest: Rest): Promise<Response> => {
    const info = fetchRequestInfo(request, options.remoteAddress?.(request));
    const { headers, body } = await decideRequest(
      limiter,
      info,
      options.identify?.(request),
      { trustProxy: options.trustProxy, cost: options.cost?.(request) },
    );
    if (body) return fetchJson(429, body, headers);
    return withFetchHeaders(await handler(request, ...rest), headers);
  };
}
