import { FluxbaseError } from '../errors.ts';

/** A limiter set up wrongly: unknown backend, missing database or URL. */
export class RateLimitConfigError extends FluxbaseError {
  constructor(message: string, options?: ErrorOptions) {
    super('ratelimit_config', message, options);
  }
}

/** A call the limiter cannot decide: a bad key or cost. */
export class RateLimitRequestError extends FluxbaseError {
  override readonly exitCode = 1;

  constructor(message: string, options?: ErrorOptions) {
    super('ratelimit_request', message, options);
  }
}
