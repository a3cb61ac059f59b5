-- The per-request auth context that RLS policies read. A backend verifies
-- a token, then in each transaction runs SET LOCAL ROLE and
--   select set_config('request.jwt.claims', '<claims json>', true);
-- These functions read that setting (PostgREST's convention) and fall back
-- to the legacy one-setting-per-claim form (request.jwt.claim.sub, ...).
-- They are plain SQL expressions without FROM so the planner inlines them;
-- after RESET the setting reads '' rather than NULL, hence nullif.

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claims', true), '')::jsonb,
    nullif(current_setting('request.jwt.claim', true), '')::jsonb
  )
$$;

-- The user's id: the `sub` claim when it is a UUID, else NULL (never an
-- error, so a policy on a malformed token denies instead of failing).
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select case
    when coalesce(
      nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
      nullif(current_setting('request.jwt.claim.sub', true), '')
    ) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then coalesce(
      nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
      nullif(current_setting('request.jwt.claim.sub', true), '')
    )::uuid
  end
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role',
    nullif(current_setting('request.jwt.claim.role', true), '')
  )
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email',
    nullif(current_setting('request.jwt.claim.email', true), '')
  )
$$;

grant execute on function auth.jwt(), auth.uid(), auth.role(), auth.email()
  to anon, authenticated, service_role;
