-- auth.api_keys: keys for machines. Only the SHA-256 (hex) of a key is
-- kept; the key itself is shown once, when it is made. The prefix (the
-- key's first characters) is what lists show to tell keys apart. A name
-- belongs to one live key at a time; a revoked key's name can be reused.

create table if not exists auth.api_keys (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint api_keys_name check (name <> ''),
  prefix text not null unique,
  key_hash text not null unique
    constraint api_keys_hash check (key_hash ~ '^[0-9a-f]{64}$'),
  role text not null
    constraint api_keys_role
    check (role in ('anon', 'authenticated', 'service_role')),
  scopes text[] not null default '{}',
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

create unique index if not exists api_keys_live_name_key
  on auth.api_keys (name) where revoked_at is null;

alter table auth.api_keys enable row level security;
alter table auth.api_keys force row level security;
revoke all on auth.api_keys from public, anon, authenticated;

drop policy if exists api_keys_owner on auth.api_keys;
create policy api_keys_owner on auth.api_keys to current_user
  using (true) with check (true);

-- Records a new key by its hash. A live key with that name raises
-- unique_violation (23505) on api_keys_live_name_key.
create or replace function auth.create_api_key(
  name text,
  prefix text,
  key_hash text,
  role text,
  scopes text[] default '{}',
  expires_at timestamptz default null
) returns table (id uuid, created_at timestamptz)
language sql
security definer
set search_path = ''
as $$
  insert into auth.api_keys as k
    (name, prefix, key_hash, role, scopes, expires_at)
  values (
    create_api_key.name, create_api_key.prefix, create_api_key.key_hash,
    create_api_key.role, coalesce(create_api_key.scopes, '{}'),
    create_api_key.expires_at
  )
  returning k.id, k.created_at
$$;
revoke execute on function
  auth.create_api_key(text, text, text, text, text[], timestamptz)
  from public;
grant execute on function
  auth.create_api_key(text, text, text, text, text[], timestamptz)
  to service_role;

-- Every key, without its hash, live ones first.
create or replace function auth.list_api_keys()
returns table (
  name text,
  prefix text,
  role text,
  scopes text[],
  created_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select k.name, k.prefix, k.role, k.scopes, k.created_at, k.expires_at,
         k.revoked_at, k.last_used_at
    from auth.api_keys k
   order by k.revoked_at is not null, k.name, k.created_at
$$;
revoke execute on function auth.list_api_keys() from public;
grant execute on function auth.list_api_keys() to service_role;

-- Revokes the live key with this name; false when there is none.
create or replace function auth.revoke_api_key(name text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  update auth.api_keys k
     set revoked_at = pg_catalog.now()
   where k.name = revoke_api_key.name and k.revoked_at is null;
  return found;
end
$$;
revoke execute on function auth.revoke_api_key(text) from public;
grant execute on function auth.revoke_api_key(text) to service_role;

-- The key with this hash when it is live (not revoked, not expired), and
-- notes its use (at most once a minute, to spare writes).
create or replace function auth.check_api_key(key_hash text)
returns table (name text, role text, scopes text[], expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
begin
  update auth.api_keys k
     set last_used_at = pg_catalog.now()
   where k.key_hash = check_api_key.key_hash
     and k.revoked_at is null
     and (k.expires_at is null or k.expires_at > pg_catalog.now())
     and (k.last_used_at is null
          or k.last_used_at < pg_catalog.now() - interval '1 minute');
  return query
    select k.name, k.role, k.scopes, k.expires_at
      from auth.api_keys k
     where k.key_hash = check_api_key.key_hash
       and k.revoked_at is null
       and (k.expires_at is null or k.expires_at > pg_catalog.now());
end
$$;
revoke execute on function auth.check_api_key(text) from public;
grant execute on function auth.check_api_key(text) to service_role;
