// The public API of fluxbase-security: named exports only.
export * from './config/index.ts';
export * from './db/index.ts';
export {
  ConnectionError,
  FluxbaseError,
  RefusedError,
  UsageError,
} from './errors.ts';
export * from './lint/index.ts';
export * from './migrate/index.ts';
export * from './testing/index.ts';
