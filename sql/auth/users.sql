-- auth.users: one row per person who can sign in. The column names are
-- the ones Supabase-style migrations reference (`references auth.users(id)`,
-- triggers after insert on auth.users), so such migrations apply unchanged.
-- Nobody but the owner and service_role touches the table directly: the
-- backend goes through the SECURITY DEFINER functions below.

create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text,
  encrypted_password text,
  role text not null default 'authenticated'
    constraint users_role_not_service_role check (role <> 'service_role'),
  raw_app_meta_data jsonb default '{}'::jsonb,
  raw_user_meta_data jsonb default '{}'::jsonb,
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  banned_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);

-- Emails are unique whatever their case: A@x.io and a@x.io are one user.
create unique index if not exists users_email_key
  on auth.users (pg_catalog.lower(email));

alter table auth.users enable row level security;
alter table auth.users force row level security;
revoke all on auth.users from public, anon, authenticated;
grant select, insert, update, delete on auth.users to service_role;

-- The role that installs the pack owns the tables and its SECURITY DEFINER
-- functions run as it; forced RLS would hide every row from it otherwise.
drop policy if exists users_owner on auth.users;
create policy users_owner on auth.users to current_user
  using (true) with check (true);

create or replace function auth.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end
$$;
revoke execute on function auth.touch_updated_at() from public;

drop trigger if exists users_touch_updated_at on auth.users;
create trigger users_touch_updated_at
  before update on auth.users
  for each row execute function auth.touch_updated_at();

-- Creates a user with an already hashed password (the hash is made by the
-- backend: scrypt never runs in the database). A taken email raises
-- unique_violation (23505) on users_email_key.
create or replace function auth.sign_up(
  email text,
  encrypted_password text,
  user_meta_data jsonb default '{}'::jsonb
) returns table (id uuid, email text, role text, created_at timestamptz)
language sql
security definer
set search_path = ''
as $$
  insert into auth.users as u
    (email, encrypted_password, raw_user_meta_data, raw_app_meta_data)
  values (
    sign_up.email,
    sign_up.encrypted_password,
    coalesce(sign_up.user_meta_data, '{}'::jsonb),
    '{"provider":"email","providers":["email"]}'::jsonb
  )
  returning u.id, u.email, u.role, u.created_at
$$;
revoke execute on function auth.sign_up(text, text, jsonb) from public;
grant execute on function auth.sign_up(text, text, jsonb) to service_role;

-- What signing in needs to know about the user with this email (any case).
create or replace function auth.user_for_sign_in(email text)
returns table (
  id uuid,
  email text,
  encrypted_password text,
  role text,
  banned_until timestamptz,
  deleted_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select u.id, u.email, u.encrypted_password, u.role, u.banned_until,
         u.deleted_at
    from auth.users u
   where pg_catalog.lower(u.email) = pg_catalog.lower(user_for_sign_in.email)
$$;
revoke execute on function auth.user_for_sign_in(text) from public;
grant execute on function auth.user_for_sign_in(text) to service_role;
