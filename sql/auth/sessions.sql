-- auth.sessions: one row per sign-in. A session ends at not_after (the
-- refresh-token lifetime) or when it is revoked; every access token it
-- issues expires no later than not_after, so a revocation of the session
-- can be forgotten after that.

create table if not exists auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  refreshed_at timestamptz,
  not_after timestamptz not null,
  revoked_at timestamptz,
  revoke_reason text,
  user_agent text,
  ip inet,
  aal text not null default 'aal1'
    constraint sessions_aal check (aal in ('aal1', 'aal2', 'aal3'))
);

create index if not exists sessions_user_id_idx on auth.sessions (user_id);

alter table auth.sessions enable row level security;
alter table auth.sessions force row level security;
revoke all on auth.sessions from public, anon, authenticated;
grant select on auth.sessions to service_role;

drop policy if exists sessions_owner on auth.sessions;
create policy sessions_owner on auth.sessions to current_user
  using (true) with check (true);

-- The sessions of one user, newest first (the CLI's `auth sessions`).
create or replace function auth.user_sessions(user_id uuid)
returns setof auth.sessions
language sql
stable
security definer
set search_path = ''
as $$
  select s.*
    from auth.sessions s
   where s.user_id = user_sessions.user_id
   order by s.created_at desc, s.id
$$;
revoke execute on function auth.user_sessions(uuid) from public;
grant execute on function auth.user_sessions(uuid) to service_role;
