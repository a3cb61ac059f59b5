// The public API of fluxbase-security: named exports only.
export * from './audit/index.ts';
export * from './auth/index.ts';
export * from './config/index.ts';
export * from './db/index.ts';
export * from './demo/index.ts';
export {
  ConnectionError,
  FluxbaseError,
  RefusedError,
  UsageError,
} from './errors.ts';
export * from './http/index.ts';
export * from './lint/index.ts';
export * from './migrate/index.ts';
export * from './ratelimit/index.ts';
export * from './testing/index.ts';
export * from './vault/index.ts';
