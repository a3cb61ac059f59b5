-- The vault schema: secrets encrypted by the backend (AES-256-GCM, keys
-- kept outside the database), the key versions that encrypted them,
-- rotation jobs and an append-only event log. The database never sees a
-- key or a plaintext. Only the owner (the migrating role) and service_role
-- may touch it: anon and authenticated get nothing.

create schema if not exists vault;
revoke all on schema vault from public;
grant usage on schema vault to service_role;

-- Every table of the schema has RLS enabled and forced. Forced RLS binds
-- the owner too, so the owner (and service_role) get one policy each that
-- lets them through; nobody else holds a privilege on these tables.
create or replace function vault.protect(tab regclass) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format(
    'alter table %s enable row level security', tab);
  execute pg_catalog.format(
    'alter table %s force row level security', tab);
  execute pg_catalog.format('drop policy if exists owner_all on %s', tab);
  execute pg_catalog.format(
    'create policy owner_all on %s for all to %I using (true) with check (true)',
    tab, current_user);
  execute pg_catalog.format('drop policy if exists service_all on %s', tab);
  execute pg_catalog.format(
    'create policy service_all on %s for all to service_role'
    ' using (true) with check (true)', tab);
  execute pg_catalog.format(
    'revoke all on %s from public, anon, authenticated', tab);
end
$$;
revoke all on function vault.protect(regclass) from public;
