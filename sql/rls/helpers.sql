-- The rls helpers: functions that write correct row level security for a
-- table in one call, so that the right policy is the easy one to write.
-- Each helper enables and forces RLS, gives its policies fixed names (a
-- second call replaces them) and builds every statement with format('%I')
-- or a regclass, so hostile table and column names are safe. They run with
-- the caller's rights: only a role that may alter the table can use them.

create schema if not exists rls;
revoke all on schema rls from public;

-- ENABLE and FORCE row level security (FORCE: the owner obeys it too).
create or replace function rls.enable(tbl regclass) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('alter table %s force row level security', tbl);
end
$$;

-- The type of a column of tbl, or an error that names the column.
create or replace function rls.column_type(tbl regclass, col name)
returns text
language plpgsql stable
set search_path = ''
as $$
declare
  found text;
begin
  select pg_catalog.format_type(a.atttypid, a.atttypmod) into found
    from pg_catalog.pg_attribute a
   where a.attrelid = tbl and a.attname = col
     and a.attnum > 0 and not a.attisdropped;
  if found is null then
    raise exception 'table % has no column %', tbl, pg_catalog.quote_ident(col)
      using errcode = 'undefined_column';
  end if;
  return found;
end
$$;

-- Drops the policies named in names, when they exist.
create or replace function rls.drop_policies(tbl regclass, names text[])
returns void
language plpgsql
set search_path = ''
as $$
declare
  policy text;
begin
  foreach policy in array names loop
    execute format('drop policy if exists %I on %s', policy, tbl);
  end loop;
end
$$;

-- Select, insert, update and delete for authenticated on the rows whose
-- owner column is the caller; WITH CHECK keeps a row from being handed to
-- somebody else. Adds an index led by the owner column when none exists.
create or replace function rls.owner_policies(
  tbl regclass,
  owner_column name default 'user_id'
) returns void
language plpgsql
set search_path = ''
as $$
declare
  owner_type text := rls.column_type(tbl, owner_column);
  is_owner text;
  table_name name;
begin
  if owner_type <> 'uuid' then
    raise exception 'owner column % of % is %, not uuid',
      pg_catalog.quote_ident(owner_column), tbl, owner_type
      using errcode = 'datatype_mismatch',
            hint = 'auth.uid() is a uuid: store the owner as uuid';
  end if;
  is_owner := format('%I = (select auth.uid())', owner_column);
  perform rls.enable(tbl);
  perform rls.drop_policies(tbl, array[
    'owner_select', 'owner_insert', 'owner_update', 'owner_delete']);

  execute format('create policy owner_select on %s for select '
    'to authenticated using (%s)', tbl, is_owner);
  execute format('create policy owner_insert on %s for insert '
    'to authenticated with check (%s)', tbl, is_owner);
  execute format('create policy owner_update on %s for update '
    'to authenticated using (%s) with check (%s)', tbl, is_owner, is_owner);
  execute format('create policy owner_delete on %s for delete '
    'to authenticated using (%s)', tbl, is_owner);
  execute format('grant select, insert, update, delete on %s '
    'to authenticated', tbl);

  if not exists (
    select from pg_catalog.pg_index i
      join pg_catalog.pg_attribute a
        on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
     where i.indrelid = tbl and a.attname = owner_column
  ) then
    select c.relname into table_name
      from pg_catalog.pg_class c where c.oid = tbl;
    execute format('create index %I on %s (%I)',
      pg_catalog.left(table_name || '_' || owner_column || '_owner', 60),
      tbl, owner_column);
  end if;
end
$$;

-- One RESTRICTIVE policy for anon and authenticated: whatever else allows
-- a row, it must also belong to the tenant named in the token's claim.
create or replace function rls.tenant_policies(
  tbl regclass,
  tenant_column name,
  claim text default 'tenant_id'
) returns void
language plpgsql
set search_path = ''
as $$
declare
  tenant_type text := rls.column_type(tbl, tenant_column);
  same_tenant text;
begin
  same_tenant := format(
    '%I = (select nullif(auth.jwt() ->> %L, '''')::%s)',
    tenant_column, claim, tenant_type);
  perform rls.enable(tbl);
  perform rls.drop_policies(tbl, array['tenant_isolation']);
  execute format('create policy tenant_isolation on %s as restrictive '
    'for all to anon, authenticated using (%s) with check (%s)',
    tbl, same_tenant, same_tenant);
end
$$;

-- Everybody, signed in or not, may read every row; nobody may write
-- through the API. The policy says so in a comment that the linter reads.
create or replace function rls.public_read(tbl regclass) returns void
language plpgsql
set search_path = ''
as $$
begin
  perform rls.enable(tbl);
  perform rls.drop_policies(tbl, array['public_read']);
  execute format('create policy public_read on %s for select '
    'to anon, authenticated using (true)', tbl);
  execute format('comment on policy public_read on %s is %L', tbl,
    '@fluxbase-lint-ignore policy_always_true: public by rls.public_read()');
  execute format('grant select on %s to anon, authenticated', tbl);
end
$$;

-- Only the backend (service_role, which bypasses RLS) may touch the table:
-- RLS on and forced, every privilege of anon and authenticated revoked.
create or replace function rls.service_only(tbl regclass) returns void
language plpgsql
set search_path = ''
as $$
begin
  perform rls.enable(tbl);
  perform rls.drop_policies(tbl, array[
    'owner_select', 'owner_insert', 'owner_update', 'owner_delete',
    'tenant_isolation', 'public_read']);
  execute format('revoke all on %s from public, anon, authenticated', tbl);
  execute format('grant all on %s to service_role', tbl);
end
$$;

revoke all on all functions in schema rls from public;
