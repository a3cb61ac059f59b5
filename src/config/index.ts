export { durationMs, parseDuration } from './duration.ts';
export {
  type EnvironmentFinding,
  enforceEnvironment,
  environmentFindings,
} from './environment.ts';
export {
  ConfigError,
  type ConfigProblem,
  formatPath,
  formatProblem,
  KeySourceError,
} from './errors.ts';
export {
  type KeyWrapper,
  keyBytes,
  type ResolvedKeys,
  type ResolveOptions,
  resolveKeys,
} from './keys.ts';
export { kmsWrapper } from './kms.ts';
export {
  ENVIRONMENTS,
  type Environment,
  LOG_LEVELS,
  type LoadedConfig,
  type LoadOptions,
  type LogLevel,
  loadConfig,
} from './load.ts';
export { overrideNames } from './overrides.ts';
export { redactConfig } from './redact.ts';
export {
  configSchema,
  type EncryptionConfig,
  type FluxbaseConfig,
  isKeyText,
  type LintConfig,
  normaliseKey,
  type RateLimitConfig,
  VAULT_REF,
} from './schema.ts';
export {
  HOW_TO_GENERATE_SECRET,
  isPlaceholderSecret,
  MIN_SECRET_BYTES,
  PLACEHOLDER_SECRETS,
} from './secrets.ts';
export { parseKvRef, readVaultKv } from './vault-kv.ts';
