-- Stand-ins for what a Supabase project has before its own migrations
-- run, so that `fluxbase-cli lint --sql` can apply migrations written for
-- Supabase to a fresh embedded database: the storage schema (buckets,
-- objects, foldername/filename/extension), the extensions schema with
-- uuid-ossp and pgcrypto in it, the supabase_realtime publication and
-- the platform's roles. Also a minimal
-- auth.users when the pack has none. Only the shape is stubbed: no data,
-- no grants to the API roles, RLS enabled and forced, so that the stubs
-- themselves lint clean and only the user's own objects are reported.

do $roles$
declare
  name text;
begin
  foreach name in array array['supabase_admin', 'supabase_auth_admin',
    'supabase_storage_admin', 'supabase_realtime_admin', 'authenticator',
    'dashboard_user', 'pgbouncer']
  loop
    continue when exists (
      select from pg_catalog.pg_roles where rolname = name);
    execute format('create role %I nologin', name);
  end loop;
end
$roles$;

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;

-- Supabase installs these in schema extensions by default, so migrations
-- call extensions.uuid_generate_v4() and extensions.gen_random_bytes().
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;

create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text,
  raw_user_meta_data jsonb not null default '{}',
  raw_app_meta_data jsonb not null default '{}',
  created_at timestamptz not null default now()
);
alter table auth.users enable row level security;
alter table auth.users force row level security;

create schema if not exists storage;
grant usage on schema storage to anon, authenticated, service_role;

create table if not exists storage.buckets (
  id text primary key,
  name text not null unique,
  owner uuid,
  public boolean not null default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table storage.buckets enable row level security;
alter table storage.buckets force row level security;

create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  metadata jsonb,
  path_tokens text[] generated always as
    (pg_catalog.string_to_array(name, '/')) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_accessed_at timestamptz not null default now()
);
alter table storage.objects enable row level security;
alter table storage.objects force row level security;

-- The folders of an object's path, without the file name.
create or replace function storage.foldername(name text) returns text[]
language sql immutable
as $$
  select (pg_catalog.string_to_array(name, '/'))[
    1 : pg_catalog.array_length(pg_catalog.string_to_array(name, '/'), 1) - 1]
$$;

-- The last part of an object's path.
create or replace function storage.filename(name text) returns text
language sql immutable
as $$
  select (pg_catalog.string_to_array(name, '/'))[
    pg_catalog.array_length(pg_catalog.string_to_array(name, '/'), 1)]
$$;

-- The file extension of an object's name, after the last dot.
create or replace function storage.extension(name text) returns text
language sql immutable
as $$
  select pg_catalog.reverse(pg_catalog.split_part(
    pg_catalog.reverse(storage.filename(name)), '.', 1))
$$;

grant execute on function storage.foldername(text), storage.filename(text),
  storage.extension(text) to anon, authenticated, service_role;

do $publication$
begin
  if not exists (
    select from pg_catalog.pg_publication where pubname = 'supabase_realtime'
  ) then
    create publication supabase_realtime;
  end if;
end
$publication$;
