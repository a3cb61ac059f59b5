-- rls_enabled_no_policy: RLS is on, anon or authenticated hold privileges
-- on the table, but no policy exists, so they get no row at all. Either a
-- policy is missing or the grants should go. A table nobody but the
-- backend can reach (no grants) is a deliberate deny-all and passes.
-- The fix compares user_id with the caller only when the table has a
-- user_id uuid column; otherwise it is a commented template to fill in.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'row level security is enabled on table %s.%s but it has no policy, so %s get no row',
         n.nspname, c.relname, reach.roles) as message,
       case when owner.own then pg_catalog.format(
         'create policy "select own rows" on %I.%I for select to authenticated using (user_id = (select auth.uid()));',
         n.nspname, c.relname)
       else pg_catalog.format(
         '-- write a condition for the rows each role may see: create policy "select rows" on %I.%I for select to authenticated using (<condition>);',
         n.nspname, c.relname) end as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 {{api_reach privileges='SELECT, INSERT, UPDATE, DELETE'}}
 {{owner_column table=c.oid}}
 where c.relkind in ('r', 'p')
   and c.relrowsecurity
   and reach.roles is not null
   and n.nspname = any($1::text[])
   and not exists (select from pg_catalog.pg_policy p where p.polrelid = c.oid)
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
