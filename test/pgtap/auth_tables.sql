-- The auth tables and functions, as the security contract promises them:
-- RLS enabled and forced everywhere, no table privileges for anon and
-- authenticated, SECURITY DEFINER functions with a pinned search_path, and
-- the revocation functions doing what their names say.
begin;
select plan(20);

select ok(
  (select bool_and(c.relrowsecurity and c.relforcerowsecurity)
     from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'auth' and c.relkind = 'r'),
  'every auth table has RLS enabled and forced'
);

select tables_are('auth',
  array['users', 'sessions', 'refresh_tokens', 'revocations', 'api_keys'],
  'auth has the five tables of the pack');

select is(
  (select array_agg(format('%s on %s', r.rolname, c.relname) order by 1)
     from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     cross join pg_catalog.pg_roles r
    where n.nspname = 'auth' and c.relkind = 'r'
      and r.rolname in ('anon', 'authenticated')
      and pg_catalog.has_table_privilege(r.oid, c.oid,
            'select, insert, update, delete, truncate, references, trigger')),
  null,
  'anon and authenticated have no privilege on any auth table'
);

select is(
  (select array_agg(p.proname::text order by 1)
     from pg_catalog.pg_proc p
     join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.prosecdef
      and not exists (select from unnest(p.proconfig) c
                       where c like 'search_path=%')),
  null,
  'every SECURITY DEFINER function of auth pins search_path'
);

select has_table('auth', 'users', 'auth.users exists');
select col_type_is('auth', 'users', 'id', 'uuid', 'auth.users.id is a uuid');
select col_default_is('auth', 'users', 'role', 'authenticated'::text,
  'auth.users.role defaults to authenticated');
select has_column('auth', 'refresh_tokens', 'token_hash',
  'refresh tokens keep a hash');
select hasnt_column('auth', 'refresh_tokens', 'token',
  'refresh tokens never keep the token');
select function_returns('auth', 'is_revoked', array['jsonb'], 'boolean',
  'auth.is_revoked(jsonb) returns boolean');

-- A user, a session, and its revocation.
insert into auth.users (id, email) values
  ('0b8f3c2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c', 'tap@example.com'),
  ('1c9a4d3b-2e5f-4a6b-9c7d-8e9f0a1b2c3d', 'other@example.com');
insert into auth.sessions (id, user_id, not_after) values
  ('2dab5e4c-3f6a-4b7c-8d8e-9f0a1b2c3d4e',
   '0b8f3c2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c', now() + interval '1 day'),
  ('3ebc6f5d-4a7b-4c8d-9e9f-0a1b2c3d4e5f',
   '1c9a4d3b-2e5f-4a6b-9c7d-8e9f0a1b2c3d', now() + interval '1 day');

select is(
  auth.is_revoked('{"sub":"0b8f3c2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c","session_id":"2dab5e4c-3f6a-4b7c-8d8e-9f0a1b2c3d4e","jti":"a","iat":1}'),
  false, 'a token of a live session is not revoked');

select ok(auth.revoke_session('2dab5e4c-3f6a-4b7c-8d8e-9f0a1b2c3d4e', 'tap'),
  'revoke_session revokes a live session');
select ok(not auth.revoke_session('2dab5e4c-3f6a-4b7c-8d8e-9f0a1b2c3d4e', 'tap'),
  'revoke_session answers false the second time');
select is(
  auth.is_revoked('{"session_id":"2dab5e4c-3f6a-4b7c-8d8e-9f0a1b2c3d4e"}'),
  true, 'a token of a revoked session is revoked');

select is(auth.revoke_user_sessions('1c9a4d3b-2e5f-4a6b-9c7d-8e9f0a1b2c3d', 'tap'),
  1, 'revoke_user_sessions counts the live sessions it revoked');
select is(
  auth.is_revoked(jsonb_build_object(
    'sub', '1c9a4d3b-2e5f-4a6b-9c7d-8e9f0a1b2c3d',
    'iat', extract(epoch from now())::int - 10)),
  true, 'a token of the user issued before the revocation is revoked');
select is(
  auth.is_revoked(jsonb_build_object(
    'sub', '1c9a4d3b-2e5f-4a6b-9c7d-8e9f0a1b2c3d',
    'iat', extract(epoch from now())::int + 1)),
  false, 'a token of the user issued afterwards is not');
select is(
  auth.is_revoked(jsonb_build_object(
    'sub', '0b8f3c2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c',
    'iat', extract(epoch from now())::int - 10)),
  false, 'another user is untouched');

select set_config('request.jwt.claims',
  '{"sub":"0b8f3c2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c","session_id":"2dab5e4c-3f6a-4b7c-8d8e-9f0a1b2c3d4e","exp":9999999999}',
  true);
select throws_ok('select auth.assert_session()', 'PT401', 'JWT revoked',
  'assert_session raises PT401 for a revoked session');

update auth.revocations set expires_at = now() - interval '1 second';
select is(auth.purge_revocations(), 3,
  'purge_revocations drops the rows whose tokens expired anyway');

select * from finish();
rollback;
