-- auth.revocations: what makes a token that is still unexpired invalid.
--   token    one access token, by its jti, kept until that token's exp
--   session  every token of a session, kept until the session's not_after
--   user     every token of a user issued before not_before
-- Each row's key is built by auth.revocation_key() alone, both when it is
-- written and when it is looked up, so that the two can never disagree;
-- auth.is_revoked() is one index scan on that key.
-- Every change NOTIFYs fluxbase_auth_revocations (on commit), so that the
-- caches of every backend instance drop what they knew.

create or replace function auth.revocation_key(scope text, subject text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select revocation_key.scope || ':' || revocation_key.subject
$$;
grant execute on function auth.revocation_key(text, text)
  to anon, authenticated, service_role;

create table if not exists auth.revocations (
  key text generated always as (auth.revocation_key(scope, subject)) stored
    primary key,
  scope text not null
    constraint revocations_scope check (scope in ('token', 'session', 'user')),
  subject text not null,
  not_before timestamptz,
  expires_at timestamptz not null,
  reason text,
  created_at timestamptz not null default now(),
  constraint revocations_user_not_before
    check ((scope = 'user') = (not_before is not null))
);

create index if not exists revocations_expires_at_idx
  on auth.revocations (expires_at);

alter table auth.revocations enable row level security;
alter table auth.revocations force row level security;
revoke all on auth.revocations from public, anon, authenticated;

drop policy if exists revocations_owner on auth.revocations;
create policy revocations_owner on auth.revocations to current_user
  using (true) with check (true);

-- Tells every listening instance that revocations changed.
create or replace function auth.notify_revocation(scope text, subject text)
returns void
language sql
security definer
set search_path = ''
as $$
  select pg_catalog.pg_notify(
    'fluxbase_auth_revocations',
    pg_catalog.json_build_object(
      'scope', notify_revocation.scope,
      'subject', notify_revocation.subject
    )::text
  )
$$;
revoke execute on function auth.notify_revocation(text, text) from public;

-- Revokes one access token until its expiry.
create or replace function auth.revoke_token(
  jti text,
  expires_at timestamptz,
  reason text default null
) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into auth.revocations (scope, subject, expires_at, reason)
  values ('token', revoke_token.jti, revoke_token.expires_at,
          revoke_token.reason)
  on conflict (key) do nothing;
  perform auth.notify_revocation('token', revoke_token.jti);
end
$$;
revoke execute on function auth.revoke_token(text, timestamptz, text)
  from public;
grant execute on function auth.revoke_token(text, timestamptz, text)
  to service_role;

-- Revokes a session: its refresh tokens stop working and every access
-- token it issued is refused. True when the session was live until now.
create or replace function auth.revoke_session(
  session_id uuid,
  reason text default null
) returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  ends timestamptz;
begin
  update auth.sessions s
     set revoked_at = pg_catalog.now(), revoke_reason = revoke_session.reason
   where s.id = revoke_session.session_id and s.revoked_at is null
  returning s.not_after into ends;
  if not found then
    return false;
  end if;

  update auth.refresh_tokens t
     set revoked_at = pg_catalog.now()
   where t.session_id = revoke_session.session_id and t.revoked_at is null;

  insert into auth.revocations (scope, subject, expires_at, reason)
  values ('session', revoke_session.session_id::text,
          greatest(ends, pg_catalog.now()), revoke_session.reason)
  on conflict (key) do nothing;
  perform auth.notify_revocation('session', revoke_session.session_id::text);
  return true;
end
$$;
revoke execute on function auth.revoke_session(uuid, text) from public;
grant execute on function auth.revoke_session(uuid, text) to service_role;

-- Revokes every session of a user and every token of that user issued
-- before this second (tokens issued earlier in this second belong to the
-- sessions just revoked). Returns how many sessions were live.
create or replace function auth.revoke_user_sessions(
  user_id uuid,
  reason text default null
) returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  revoked integer := 0;
  live uuid;
  ends timestamptz;
begin
  for live in
    select s.id from auth.sessions s
     where s.user_id = revoke_user_sessions.user_id and s.revoked_at is null
  loop
    if auth.revoke_session(live, revoke_user_sessions.reason) then
      revoked := revoked + 1;
    end if;
  end loop;

  select greatest(max(s.not_after), pg_catalog.now()) into ends
    from auth.sessions s where s.user_id = revoke_user_sessions.user_id;

  insert into auth.revocations as r
    (scope, subject, not_before, expires_at, reason)
  values ('user', revoke_user_sessions.user_id::text,
          pg_catalog.date_trunc('second', pg_catalog.now()), ends,
          revoke_user_sessions.reason)
  on conflict (key) do update
    set not_before = excluded.not_before,
        expires_at = greatest(r.expires_at, excluded.expires_at),
        reason = excluded.reason;
  perform auth.notify_revocation('user', revoke_user_sessions.user_id::text);
  return revoked;
end
$$;
revoke execute on function auth.revoke_user_sessions(uuid, text) from public;
grant execute on function auth.revoke_user_sessions(uuid, text)
  to service_role;

-- True when the token these claims come from is revoked: by its jti, its
-- session_id or its sub (issued before the user's not_before). One scan
-- of the primary key. A user revocation with no numeric iat counts.
create or replace function auth.is_revoked(claims jsonb)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select from auth.revocations r
     where r.key = any (array[
             auth.revocation_key('token', is_revoked.claims ->> 'jti'),
             auth.revocation_key('session', is_revoked.claims ->> 'session_id'),
             auth.revocation_key('user', is_revoked.claims ->> 'sub')
           ])
       and (r.scope <> 'user' or r.not_before > case
             when pg_catalog.jsonb_typeof(is_revoked.claims -> 'iat') = 'number'
             then pg_catalog.to_timestamp((is_revoked.claims ->> 'iat')::float8)
             else '-infinity'::timestamptz
           end)
  )
$$;
revoke execute on function auth.is_revoked(jsonb) from public;
grant execute on function auth.is_revoked(jsonb) to service_role;

-- Drops the revocations whose tokens have expired anyway; returns how many.
create or replace function auth.purge_revocations()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  purged integer;
begin
  delete from auth.revocations r where r.expires_at < pg_catalog.now();
  get diagnostics purged = row_count;
  return purged;
end
$$;
revoke execute on function auth.purge_revocations() from public;
grant execute on function auth.purge_revocations() to service_role;

-- For PostgREST's db-pre-request and any backend: raises SQLSTATE PT401
-- (HTTP 401 in PostgREST) when the current claims are expired or revoked,
-- so a revoked token stops working for direct SQL access too. No claims
-- (an anonymous request) passes.
create or replace function auth.assert_session()
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  claims jsonb := auth.jwt();
begin
  if claims is null then
    return;
  end if;
  if pg_catalog.jsonb_typeof(claims -> 'exp') = 'number'
     and (claims ->> 'exp')::float8
         <= extract(epoch from pg_catalog.clock_timestamp()) then
    raise exception using errcode = 'PT401', message = 'JWT expired',
      hint = 'refresh the session for a new access token';
  end if;
  if auth.is_revoked(claims) then
    raise exception using errcode = 'PT401', message = 'JWT revoked',
      hint = 'sign in again';
  end if;
end
$$;
revoke execute on function auth.assert_session() from public;
grant execute on function auth.assert_session()
  to anon, authenticated, service_role;
