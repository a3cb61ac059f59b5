-- pgTAP helpers for users' own policy tests, in schema tests. Installed
-- only by `migrate up --with-test-helpers`, outside the recorded pack, and
-- removed by `migrate down --all`. Users created here live in the
-- transaction of the test (and in auth.users when the pack has it), so a
-- test that rolls back leaves nothing behind. Every function runs with the
-- caller's rights and a pinned search_path; anon and authenticated may
-- call them because a test switches to those roles half-way through.

create schema if not exists tests;
comment on schema tests is 'fluxbase-cli test helpers (migrate up --with-test-helpers)';
grant usage on schema tests to anon, authenticated, service_role;

-- The users this transaction created, as {"email": "id", ...}.
create or replace function tests.known_users() returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(pg_catalog.current_setting('tests.users', true), '')::jsonb,
    '{}'::jsonb)
$$;

-- Creates a user with this e-mail address and returns its id. The user
-- is also inserted into auth.users when that table exists.
create or replace function tests.create_user(email text) returns uuid
language plpgsql
set search_path = ''
as $$
declare
  id uuid := coalesce((tests.known_users() ->> email)::uuid,
                      pg_catalog.gen_random_uuid());
begin
  perform pg_catalog.set_config('tests.users',
    (tests.known_users() || pg_catalog.jsonb_build_object(email, id))::text,
    false);
  if pg_catalog.to_regclass('auth.users') is not null then
    execute 'insert into auth.users (id, email) values ($1, $2)
             on conflict do nothing' using id, email;
  end if;
  return id;
end
$$;

-- Acts as a user, by e-mail address or id: role authenticated and the
-- full claims (sub, role, email, session_id, aal) for the transaction.
create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  users jsonb := tests.known_users();
  user_id uuid;
  user_email text;
begin
  if users ? identifier then
    user_id := (users ->> identifier)::uuid;
    user_email := identifier;
  else
    select u.key, u.value::uuid into user_email, user_id
      from pg_catalog.jsonb_each_text(users) as u(key, value)
     where u.value = identifier;
  end if;
  if user_id is null then
    raise exception 'tests.authenticate_as: no user %', identifier
      using hint = 'create it first with tests.create_user(email)';
  end if;
  perform pg_catalog.set_config('request.jwt.claims',
    pg_catalog.jsonb_build_object(
      'sub', user_id, 'role', 'authenticated', 'email', user_email,
      'session_id', pg_catalog.gen_random_uuid(), 'aal', 'aal1',
      'aud', 'authenticated')::text, true);
  perform pg_catalog.set_config('role', 'authenticated', true);
end
$$;

-- Acts as the backend: role service_role, which bypasses RLS.
create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('request.jwt.claims',
    '{"role": "service_role"}', true);
  perform pg_catalog.set_config('role', 'service_role', true);
end
$$;

-- Forgets the user: role anon and no claims, as a request without a token.
create or replace function tests.clear_authentication() returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('request.jwt.claims', '', true);
  perform pg_catalog.set_config('role', 'anon', true);
end
$$;

-- pgTAP: ok when every table of the schema (not views, not types) has
-- row level security enabled; names the tables that do not.
create or replace function tests.rls_enabled(schema_name name)
returns text
language plpgsql
set search_path = public, extensions, pg_catalog
as $$
declare
  missing text;
  passed boolean;
  result text;
begin
  select pg_catalog.string_agg(pg_catalog.quote_ident(c.relname), ', '
           order by c.relname) into missing
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = schema_name and c.relkind in ('r', 'p')
     and not c.relrowsecurity;
  passed := missing is null;
  execute 'select ok($1, $2)' into result using passed,
    pg_catalog.format('every table in schema %I has row level security',
      schema_name);
  if not passed then
    execute 'select $1 || pg_catalog.chr(10) || diag($2)' into result
      using result, 'without row level security: ' || missing;
  end if;
  return result;
end
$$;

grant execute on all functions in schema tests
  to anon, authenticated, service_role;
