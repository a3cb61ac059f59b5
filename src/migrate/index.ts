export {
  DependentObjectsError,
  LockTimeoutError,
  MigrationError,
  type ObjectInTheWay,
  PackConflictError,
} from './errors.ts';
export { loadPack, type PackMigration } from './load.ts';
export {
  defineMigration,
  MIGRATIONS_DIR,
  type MigrationSpec,
  migrationDigest,
  migrationFilesOf,
  PACK_ROOT,
  readPackFile,
  SQL_DIR,
} from './pack.ts';
export {
  type DownOptions,
  MIGRATION_LOCK_KEY,
  type MigrateOptions,
  type MigrateResult,
  migrateDown,
  migrateRedo,
  migrateUp,
  type UpOptions,
} from './runner.ts';
export { MIGRATIONS_SCHEMA, MIGRATIONS_TABLE } from './state.ts';
export {
  type MigrationState,
  type MigrationStatus,
  migrationStatus,
  type StatusReport,
} from './status.ts';
