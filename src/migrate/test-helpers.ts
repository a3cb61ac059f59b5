import type { Session } from '../db/shared.ts';
import { PackConflictError } from './errors.ts';
import { readPackFile } from './pack.ts';

// The pgTAP helpers of schema tests (sql/testing/helpers.sql): applied by
// `migrate up --with-test-helpers` after the migrations, outside the
// recorded pack, and dropped with the last migration by `migrate down`.

/** The comment that marks the tests schema as the helpers' own. */
const TEST_HELPERS_MARK =
  'fluxbase-cli test helpers (migrate up --with-test-helpers)';

async function testsSchemaComment(session: Session) {
  const { rows } = await session.query<{ comment: string | null }>(
    `select pg_catalog.obj_description(oid, 'pg_namespace') as comment
       from pg_catalog.pg_namespace where nspname = 'tests'`,
  );
  return rows[0];
}

/** Refuses a tests schema that the helpers did not make. */
export async function assertTestsSchemaOurs(session: Session): Promise<void> {
  const existing = await testsSchemaComment(session);
  if (existing && existing.comment !== TEST_HELPERS_MARK) {
    throw new PackConflictError([
      { schema: 'tests', name: 'tests', kind: 'schema' },
    ]);
  }
}

/** Applies sql/testing/helpers.sql (idempotent). */
export async function installTestHelpers(session: Session): Promise<void> {
  await session.exec(readPackFile('testing/helpers.sql').text);
}

/** True when the tests schema is there and the helpers made it. */
export async function testHelpersInstalled(session: Session) {
  return (await testsSchemaComment(session))?.comment === TEST_HELPERS_MARK;
}

/** Drops the tests schema, only when the helpers made it. */
export async function removeTestHelpers(session: Session): Promise<void> {
  const existing = await testsSchemaComment(session);
  if (existing?.comment === TEST_HELPERS_MARK) {
    await session.query('drop schema tests cascade');
  }
}
