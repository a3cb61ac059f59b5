import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Session } from '../../src/db/shared.ts';
import { lintDatabase } from '../../src/lint/runner.ts';
import { freshDatabase, serverOnly, type TestDatabase } from '../support/db.ts';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const ACME = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TABLE = '"Hostile ""Schema"" é"."Nötes ""x"""';
const ROLES = 'switches roles inside transactions';

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
  await t.db.exec(`
    create schema "Hostile ""Schema"" é";
    grant usage on schema "Hostile ""Schema"" é" to anon, authenticated;
    create table ${TABLE} (id int primary key, "Ow ner" uuid, "Org" uuid);
    insert into ${TABLE} values
      (1, '${ALICE}', '${ACME}'), (2, '${BOB}', '${ACME}'),
      (3, '${ALICE}', gen_random_uuid());`);
});
afterAll(() => t.drop());

/** Runs fn as a role with claims, in a transaction that is rolled back. */
async function as<T>(
  role: string,
  claims: object,
  fn: (tx: Session) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  await t.db
    .transaction(async (tx) => {
      await tx.query(`select set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify(claims),
      ]);
      await tx.query(`select set_config('role', $1, true)`, [role]);
      result = await fn(tx);
      throw new Error('rollback');
    })
    .catch((error: Error) => {
      if (error.message !== 'rollback') throw error;
    });
  return result as T;
}

async function ids(tx: Session): Promise<number[]> {
  const { rows } = await tx.query<{ id: number }>(
    `select id from ${TABLE} order by id`,
  );
  return rows.map((r) => r.id);
}

async function sqlState(tx: Session, sql: string): Promise<string> {
  await tx.query('savepoint attempt');
  try {
    await tx.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { sqlState: string }).sqlState;
  } finally {
    await tx.query('rollback to savepoint attempt');
  }
}

describe('rls helpers', () => {
  it('lint clean on a hostile table once owner and tenant policies are on', async () => {
    await t.db.exec(`select rls.owner_policies('${TABLE.replaceAll("'", "''")}', 'Ow ner');
      select rls.tenant_policies('${TABLE.replaceAll("'", "''")}', 'Org', 'org_id');
      create index on ${TABLE} ("Org");`);
    const report = await lintDatabase({
      db: t.db,
      schemas: ['Hostile "Schema" é'],
    });
    expect(report.findings).toEqual([]);
  });

  it.skipIf(serverOnly(ROLES))(
    'owner policies show a user their own rows and refuse to hand one to somebody else',
    async () => {
      const claims = { sub: ALICE, role: 'authenticated', org_id: ACME };
      const seen = await as('authenticated', claims, async (tx) => ({
        ids: await ids(tx),
        give: await sqlState(
          tx,
          `update ${TABLE} set "Ow ner" = '${BOB}' where id = 1`,
        ),
        forge: await sqlState(
          tx,
          `insert into ${TABLE} values (9, '${BOB}', '${ACME}')`,
        ),
        own: await sqlState(
          tx,
          `insert into ${TABLE} values (9, '${ALICE}', '${ACME}')`,
        ),
      }));
      // Row 3 is Alice's but in another tenant: the restrictive policy hides it.
      expect(seen).toEqual({
        ids: [1],
        give: '42501',
        forge: '42501',
        own: 'ok',
      });
    },
  );

  it.skipIf(serverOnly(ROLES))(
    'public_read lets anon read every row and write none; service_only shuts the API out',
    async () => {
      await t.db.exec(`create table public.countries (code text primary key);
        insert into public.countries values ('fr'), ('jp');
        select rls.public_read('public.countries');
        create table public.jobs (id int);
        select rls.service_only('public.jobs');`);
      const anon = await as('anon', { role: 'anon' }, async (tx) => ({
        read: (await tx.query('select code from public.countries')).rows.length,
        write: await sqlState(tx, `insert into public.countries values ('de')`),
        jobs: await sqlState(tx, 'select * from public.jobs'),
      }));
      expect(anon).toEqual({ read: 2, write: '42501', jobs: '42501' });
      const backend = await as('service_role', {}, (tx) =>
        sqlState(tx, 'insert into public.jobs values (1)'),
      );
      expect(backend).toBe('ok');
    },
  );
});
