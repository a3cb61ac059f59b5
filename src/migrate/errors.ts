import { DatabaseError } from '../db/errors.ts';
import { formatSqlError, type SqlSource } from '../db/location.ts';
import { FluxbaseError, RefusedError } from '../errors.ts';

/** A migration that the database refused; nothing of it was kept. */
export class MigrationError extends FluxbaseError {
  readonly migration: string;
  readonly source: SqlSource | undefined;

  constructor(migration: string, cause: DatabaseError, source?: SqlSource) {
    const where = formatSqlError(cause, source);
    super(
      'migration_failed',
      `migration ${migration} failed and was rolled back:\n${where}`,
      { cause },
    );
    this.migration = migration;
    this.source = source;
  }
}

/** An object that is already there and not ours. */
export interface ObjectInTheWay {
  schema: string;
  name: string;
  kind: string;
}

/** The pack would be installed over schemas that it did not create. */
export class PackConflictError extends FluxbaseError {
  readonly objects: readonly ObjectInTheWay[];

  constructor(objects: ObjectInTheWay[]) {
    const schemas = [...new Set(objects.map((o) => o.schema))];
    const list = objects.map((o) => `  ${o.kind} ${o.name}`).join('\n');
    super(
      'pack_conflict',
      `refusing to install: schema ${schemas.join(', ')} already exists and was not created by fluxbase-cli. Objects in the way:\n${list}\nRename or drop them, or install into another database. Nothing was changed.`,
    );
    this.objects = objects;
  }
}

/** Another migration run holds the lock for longer than we wait. */
export class LockTimeoutError extends FluxbaseError {
  constructor(waitedMs: number, options?: ErrorOptions) {
    super(
      'lock_timeout',
      `another migration run holds the migration lock; gave up after ${Math.round(waitedMs / 1000)} s (raise --lock-timeout, or wait for it to finish)`,
      options,
    );
  }
}

export { DatabaseError };

/** Objects outside the pack depend on what `migrate down` would drop. */
export class DependentObjectsError extends RefusedError {
  readonly objects: readonly string[];

  constructor(objects: string[]) {
    const list = objects.map((o) => `  ${o}`).join('\n');
    super(
      'dependent_objects',
      `refusing to revert: these objects depend on what migrate down would drop, and would be dropped with it or stop it halfway:\n${list}\nDrop them, or change them so that they no longer use the pack, then run migrate down again. Nothing was reverted.`,
    );
    this.objects = objects;
  }
}
