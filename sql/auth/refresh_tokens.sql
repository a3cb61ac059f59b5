-- auth.refresh_tokens: the SHA-256 (hex) of each refresh token, never the
-- token. Every refresh rotates: the presented token is marked rotated and
-- a child takes its place. Presenting a rotated token again means it was
-- copied, so the whole session is revoked (refresh token reuse).

create table if not exists auth.refresh_tokens (
  id bigint generated always as identity primary key,
  token_hash text not null unique
    constraint refresh_tokens_hash check (token_hash ~ '^[0-9a-f]{64}$'),
  session_id uuid not null references auth.sessions (id) on delete cascade,
  parent bigint references auth.refresh_tokens (id) on delete set null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  revoked_at timestamptz
);

create index if not exists refresh_tokens_session_id_idx
  on auth.refresh_tokens (session_id);
create index if not exists refresh_tokens_parent_idx
  on auth.refresh_tokens (parent);

alter table auth.refresh_tokens enable row level security;
alter table auth.refresh_tokens force row level security;
revoke all on auth.refresh_tokens from public, anon, authenticated;

drop policy if exists refresh_tokens_owner on auth.refresh_tokens;
create policy refresh_tokens_owner on auth.refresh_tokens to current_user
  using (true) with check (true);

-- Opens a session for a user whose password the backend has checked, with
-- its first refresh token (by hash), and records the sign-in.
create or replace function auth.start_session(
  user_id uuid,
  not_after timestamptz,
  refresh_token_hash text,
  user_agent text default null,
  ip inet default null,
  aal text default 'aal1'
) returns auth.sessions
language plpgsql
security definer
set search_path = ''
as $$
declare
  created auth.sessions;
begin
  insert into auth.sessions as s (user_id, not_after, user_agent, ip, aal)
  values (
    start_session.user_id,
    start_session.not_after,
    start_session.user_agent,
    start_session.ip,
    coalesce(start_session.aal, 'aal1')
  )
  returning s.* into created;

  insert into auth.refresh_tokens (token_hash, session_id)
  values (start_session.refresh_token_hash, created.id);

  update auth.users u
     set last_sign_in_at = pg_catalog.now()
   where u.id = start_session.user_id;
  return created;
end
$$;
revoke execute on function
  auth.start_session(uuid, timestamptz, text, text, inet, text) from public;
grant execute on function
  auth.start_session(uuid, timestamptz, text, text, inet, text)
  to service_role;

-- Rotates a refresh token. status is one of
--   ok        the new hash replaces the presented one
--   reused    the token was rotated before: the session is now revoked
--   revoked   the token or its session was revoked
--   expired   the session is past not_after
--   not_found no such token
-- It answers instead of raising so that a reuse's revocation commits;
-- session_id, user_id, email, aal and not_after describe the token's session.
create or replace function auth.rotate_refresh_token(
  token_hash text,
  new_token_hash text
) returns table (
  status text,
  session_id uuid,
  user_id uuid,
  email text,
  aal text,
  not_after timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  tok auth.refresh_tokens;
  sess auth.sessions;
begin
  select t.* into tok
    from auth.refresh_tokens t
   where t.token_hash = rotate_refresh_token.token_hash
   for update;
  if not found then
    return query select 'not_found'::text, null::uuid, null::uuid,
                        null::text, null::text, null::timestamptz;
    return;
  end if;

  select s.* into sess
    from auth.sessions s where s.id = tok.session_id for update;

  if tok.rotated_at is not null then
    perform auth.revoke_session(sess.id, 'refresh_token_reused');
    status := 'reused';
  elsif tok.revoked_at is not null or sess.revoked_at is not null then
    status := 'revoked';
  elsif sess.not_after <= pg_catalog.now() then
    status := 'expired';
  else
    update auth.refresh_tokens t
       set rotated_at = pg_catalog.now()
     where t.id = tok.id;
    insert into auth.refresh_tokens (token_hash, session_id, parent)
    values (rotate_refresh_token.new_token_hash, sess.id, tok.id);
    update auth.sessions s
       set refreshed_at = pg_catalog.now()
     where s.id = sess.id;
    status := 'ok';
  end if;

  session_id := sess.id;
  user_id := sess.user_id;
  select u.email into email from auth.users u where u.id = sess.user_id;
  aal := sess.aal;
  not_after := sess.not_after;
  return next;
end
$$;
revoke execute on function auth.rotate_refresh_token(text, text) from public;
grant execute on function auth.rotate_refresh_token(text, text)
  to service_role;
