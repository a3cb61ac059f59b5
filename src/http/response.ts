/** Response headers to set, by name. */
export type HeaderMap = Record<string, string>;

/** The parts of a Node/Express response the glue writes. */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * Sets headers on a Node or Express response.
 *
 * @example
 * setNodeHeaders(res, { 'X-Content-Type-Options': 'nosniff' });
 */
export function setNodeHeaders(res: NodeLikeResponse, headers: HeaderMap) {
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
}

/**
 * Answers a Node or Express request with JSON.
 *
 * @example
 * sendNodeJson(res, 429, { error: 'rate_limited' });
 */
export function sendNodeJson(
  res: NodeLikeResponse,
  status: number,
  body: unknown,
  headers: HeaderMap = {},
): void {
  setNodeHeaders(res, headers);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.statusCode = status;
  res.end(JSON.stringify(body));
}

/**
 * The response with `headers` added. A response whose headers are
 * immutable (one from `fetch()`) is copied first.
 *
 * @example
 * return withFetchHeaders(await handler(request), { 'X-Frame-Options': 'DENY' });
 */
export function withFetchHeaders(
  response: Response,
  headers: HeaderMap,
): Response {
  let target = response;
  try {
    for (const [name, value] of Object.entries(headers)) {
      target.headers.set(name, value);
    }
  } catch {
    target = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) {
      target.headers.set(name, value);
    }
  }
  return target;
}

/**
 * A JSON response for Fetch API handlers.
 *
 * @example
 * return fetchJson(429, { error: 'rate_limited' });
 */
export function fetchJson(
  status: number,
  body: unknown,
  headers: HeaderMap = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
  });
}
