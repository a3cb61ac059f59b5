-- Per-role limits and ratelimit.check(), PostgREST's db-pre-request hook.
-- ratelimit.limits holds one row per request role (anon, authenticated,
-- service_role); the TypeScript library's syncLimits() fills it from the
-- `ratelimit` block of fluxbase.yaml (`anonymous` there is the anon role).
-- The rows below are the guide's defaults: 100, 1000 and 10000 a minute.

create table if not exists ratelimit.limits (
  role text primary key,
  capacity integer not null check (capacity >= 0),
  period interval not null check (period > interval '0')
);
alter table ratelimit.limits enable row level security;
alter table ratelimit.limits force row level security;
revoke all on ratelimit.limits from public;

drop policy if exists limits_owner on ratelimit.limits;
create policy limits_owner on ratelimit.limits
  for all to current_user using (true) with check (true);

insert into ratelimit.limits (role, capacity, period)
values
  ('anon', 100, interval '1 minute'),
  ('authenticated', 1000, interval '1 minute'),
  ('service_role', 10000, interval '1 minute')
on conflict (role) do nothing;

-- The client's address from PostgREST's request.headers: the first entry
-- of X-Forwarded-For, else X-Real-IP; NULL when neither is there.
create or replace function ratelimit.client_address() returns text
language sql stable
set search_path = ''
as $$
  select nullif(pg_catalog.btrim(coalesce(
    pg_catalog.split_part(
      nullif(current_setting('request.headers', true), '')::jsonb
        ->> 'x-forwarded-for',
      ',', 1),
    nullif(current_setting('request.headers', true), '')::jsonb
      ->> 'x-real-ip'
  )), '')
$$;
grant execute on function ratelimit.client_address()
  to anon, authenticated, service_role;

-- Takes one token for the current request: the bucket is `role:uid` for a
-- signed-in user, else `role:client address`; the limit is that of
-- auth.role() (a role without a row of its own gets anon's limit). Over the
-- limit it raises SQLSTATE PT429, which PostgREST answers with HTTP 429.
create or replace function ratelimit.check() returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  who text := coalesce(auth.role(), 'anon');
  lim record;
  verdict record;
begin
  select l.capacity, l.period into lim
    from ratelimit.limits as l
   where l.role in (who, 'anon')
   order by l.role = who desc
   limit 1;
  if not found then
    return;
  end if;
  if lim.capacity = 0 then
    raise sqlstate 'PT429' using
      message = 'rate limit exceeded',
      detail = format('retry after %s ms',
        floor(extract(epoch from lim.period) * 1000)::bigint),
      hint = format('the %s role may make no requests', who);
  end if;

  select * into verdict
    from ratelimit.take(
      who || ':' || coalesce(
        auth.uid()::text, ratelimit.client_address(), 'unknown'),
      lim.capacity, lim.period, 1);
  if not verdict.allowed then
    raise sqlstate 'PT429' using
      message = 'rate limit exceeded',
      detail = format('retry after %s ms', verdict.retry_after_ms),
      hint = format('the %s role may make %s requests per %s seconds',
        who, lim.capacity, pg_catalog.trim_scale(extract(epoch from lim.period)));
  end if;
end
$$;
revoke execute on function ratelimit.check() from public;
grant execute on function ratelimit.check()
  to anon, authenticated, service_role;
