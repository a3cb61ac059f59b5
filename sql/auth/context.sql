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

-- Text to uuid, or NULL when it is not one. Tried as a cast (a regular
-- expression costs several times more per row); the length test keeps
-- the common non-UUID subjects (such as `auth0|5f7c...`) off the slower
-- exception path.
create or replace function auth.try_uuid(value text) returns uuid
language plpgsql immutable strict parallel safe
as $$
begin
  if length(value) not between 32 and 38 then
    return null;
  end if;
  return value::uuid;
exception when invalid_text_representation then
  return null;
end
$$;

-- The user's id: the `sub` claim when it is a UUID, else NULL (never an
-- error, so a policy on a malformed token denies instead of failing).
-- Written as one SQL expression so the planner inlines it; in policies
-- use (select auth.uid()) so that it runs once per query, not per row.
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select auth.try_uuid(coalesce(
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
    nullif(current_setting('request.jwt.claim.sub', true), '')
  ))
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

grant execute on function auth.jwt(), auth.uid(), auth.role(), auth.email(),
  auth.try_uuid(text) to anon, authenticated, service_role;
