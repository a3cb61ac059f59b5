import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateDown, migrateUp } from '../../src/migrate/runner.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { newUser, testAuth } from './support.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t.drop());

// What a Supabase project's own migrations typically hold.
const SUPABASE_STYLE = `
  create table public.profiles (
    id uuid not null references auth.users (id) on delete cascade,
    full_name text,
    primary key (id)
  );
  alter table public.profiles enable row level security;

  create function public.handle_new_user() returns trigger
  language plpgsql security definer set search_path = ''
  as $$
  begin
    insert into public.profiles (id, full_name)
    values (new.id, new.raw_user_meta_data ->> 'full_name');
    return new;
  end;
  $$;

  create trigger on_auth_user_created
    after insert on auth.users
    for each row execute procedure public.handle_new_user();
`;

describe('Supabase-style migrations', () => {
  it('apply unchanged and see every user signUp creates', async () => {
    await t.db.exec(SUPABASE_STYLE);
    const auth = testAuth(t.db);
    const { user } = await auth.signUp({
      ...newUser(),
      data: { full_name: 'Ada Lovelace' },
    });
    const { rows } = await t.db.query('select * from public.profiles');
    expect(rows).toEqual([{ id: user.id, full_name: 'Ada Lovelace' }]);

    await t.db.query('delete from auth.users where id = $1', [user.id]);
    const after = await t.db.query('select * from public.profiles');
    expect(after.rows).toEqual([]);
    await auth.close();
  });
});

describe('the auth migrations', () => {
  it('revert and apply again', async () => {
    const fresh = await freshDatabase({ empty: true });
    try {
      await migrateUp({ db: fresh.db, to: '0013_auth_api_keys' });
      const down = await migrateDown({ db: fresh.db, count: 4 });
      expect(down.migrations).toEqual([
        '0013_auth_api_keys',
        '0012_auth_revocations',
        '0011_auth_sessions',
        '0010_auth_users',
      ]);
      const { rows } = await fresh.db.query(
        `select c.relname from pg_catalog.pg_class c
           join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'auth'`,
      );
      expect(rows).toEqual([]);
      const up = await migrateUp({ db: fresh.db, to: '0013_auth_api_keys' });
      expect(up.migrations).toEqual([...down.migrations].reverse());
    } finally {
      await fresh.drop();
    }
  });
});
