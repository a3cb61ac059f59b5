/**
 * What the HTTP glue reads from a request, the same for Express/Connect
 * and for Fetch API handlers.
 */
export interface HttpRequestInfo {
  method: string;
  /** The path without the query string. */
  path: string;
  /** A header by its name (any case); the first value if repeated. */
  header(name: string): string | undefined;
  /** The peer's address as the socket or the platform gives it. */
  remoteAddress: string | undefined;
}

/** The parts of a Node/Express request the glue reads. */
export interface NodeLikeRequest {
  method?: string | undefined;
  url?: string | undefined;
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string | undefined } | undefined;
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/**
 * Reads a Node `IncomingMessage` or an Express request.
 *
 * @example
 * const info = nodeRequestInfo(req);
 * info.header('user-agent');
 */
export function nodeRequestInfo(req: NodeLikeRequest): HttpRequestInfo {
  return {
    method: req.method ?? 'GET',
    path: pathOf(req.originalUrl ?? req.url ?? '/'),
    header(name) {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
    remoteAddress: req.socket?.remoteAddress,
  };
}

/**
 * Reads a Fetch API `Request`. Fetch has no socket: pass the peer's
 * address when the platform gives it (Bun's `server.requestIP(req)`,
 * Deno's `info.remoteAddr`).
 *
 * @example
 * const info = fetchRequestInfo(request, server.requestIP(request)?.address);
 */
export function fetchRequestInfo(
  request: Request,
  remoteAddress?: string,
): HttpRequestInfo {
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    header: (name) => request.headers.get(name) ?? undefined,
    remoteAddress,
  };
}

function cleanAddress(address: string | undefined): string | undefined {
  const text = address?.trim();
  if (!text) return undefined;
  return text.startsWith('::ffff:') && text.includes('.')
    ? text.slice(7)
    : text;
}

/**
 * The client's address. Behind a proxy you trust (`trustProxy`), the
 * first X-Forwarded-For entry, else X-Real-IP; otherwise only the peer's
 * address counts, since anyone can send those headers.
 *
 * @example
 * clientAddress(nodeRequestInfo(req), { trustProxy: true }); // '203.0.113.7'
 */
export function clientAddress(
  info: HttpRequestInfo,
  options: { trustProxy?: boolean | undefined } = {},
): string | undefined {
  if (options.trustProxy) {
    const forwarded = cleanAddress(
      info.header('x-forwarded-for')?.split(',')[0],
    );
    const real = cleanAddress(info.header('x-real-ip'));
    if (forwarded ?? real) return forwarded ?? real;
  }
  return cleanAddress(info.remoteAddress);
}
