// The public API of fluxbase-security: named exports only.
export * from './config/index.ts';
export * from './db/index.ts';
export {
  ConnectionError,
  FluxbaseError,
  RefusedError,
  UsageError,
} from './errors.ts';
export * from './migrate/index.ts';
export { parseTap, runTap, type TapResult } from './testing/tap.ts';
export * from './vault/index.ts';
