export {
  clientAddress,
  fetchRequestInfo,
  type NodeLikeRequest,
  nodeRequestInfo,
  type RequestInfo,
} from './request.ts';
export {
  fetchJson,
  type HeaderMap,
  type NodeLikeResponse,
  sendNodeJson,
  setNodeHeaders,
  withFetchHeaders,
} from './response.ts';
