export {
  DEFAULT_SECURITY_HEADERS,
  type HeaderOverrides,
  securityHeaders,
  securityHeadersMiddleware,
  withSecurityHeaders,
} from './headers.ts';
export {
  clientAddress,
  fetchRequestInfo,
  type HttpRequestInfo,
  type NodeLikeRequest,
  nodeRequestInfo,
} from './request.ts';
export {
  fetchJson,
  type HeaderMap,
  type NodeLikeResponse,
  sendNodeJson,
  setNodeHeaders,
  withFetchHeaders,
} from './response.ts';
