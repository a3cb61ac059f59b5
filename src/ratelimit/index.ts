export { type BucketState, type BucketStep, takeTokens } from './bucket.ts';
export { RateLimitConfigError, RateLimitRequestError } from './errors.ts';
export {
  decideRequest,
  type FetchRateLimitOptions,
  type HttpDecision,
  type RateLimitHttpOptions,
  type RateLimitIdentity,
  rateLimitHeaders,
  rateLimitMiddleware,
  routeScope,
  type TooManyRequestsBody,
  withRateLimit,
} from './http.ts';
export {
  type ConsumeRequest,
  createRateLimiter,
  type OnBackendError,
  RateLimiter,
  type RateLimiterOptions,
  rateLimiterFromConfig,
} from './limiter.ts';
export {
  DEFAULT_LIMITS,
  type LimitsInput,
  limitRole,
  purgeBuckets,
  type RoleLimits,
  resolveLimits,
  syncLimits,
  windowMs,
} from './limits.ts';
export { MemoryBackend, type MemoryBackendOptions } from './memory.ts';
export { PostgresBackend } from './postgres.ts';
export {
  createRedisClient,
  RedisBackend,
  type RedisBackendOptions,
} from './redis.ts';
export { TAKE_SCRIPT, TAKE_SCRIPT_SHA } from './script.ts';
export {
  type BucketDecision,
  RATE_LIMIT_ROLES,
  type RateLimitBackend,
  type RateLimitResult,
  type RoleName,
  type TakeRequest,
} from './shared.ts';
