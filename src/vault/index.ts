export {
  type AuditCount,
  type AuditOptions,
  type AuditResult,
  ageInDays,
  audit,
  type DecryptCheck,
  keyStatus,
  keyVersions,
  ROTATE_AFTER_DAYS,
  type VersionReport,
} from './audit.ts';
export {
  associatedData,
  decodeValue,
  encodeValue,
  fingerprintOf,
  openBytes,
  type Sealed,
  type SecretValue,
  sealBytes,
} from './cipher.ts';
export {
  DecryptionError,
  KeyMismatchError,
  KeyStateError,
  KeyUnavailableError,
  NothingToRollBackError,
  RotationStoppedError,
  SecretNameError,
  SecretNotFoundError,
  VaultMissingError,
} from './errors.ts';
export { Keyring, type SecretRef } from './keyring.ts';
export { checkNames, MAX_NAME_LENGTH, nameProblem } from './names.ts';
export {
  type KeyRecord,
  type KeyState,
  keyRecords,
  recordEvent,
  type VaultEvent,
} from './registry.ts';
export {
  type RollbackOptions,
  type RollbackResult,
  rollback,
} from './rollback.ts';
export {
  type ReEncryptOptions,
  type ReEncryptResult,
  type RotationFailure,
  type RotationProgress,
  reEncrypt,
} from './rotation.ts';
export {
  type OpenVaultOptions,
  openVault,
  type SecretInfo,
  Vault,
} from './store.ts';
