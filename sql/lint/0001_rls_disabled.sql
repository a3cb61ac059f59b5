-- rls_disabled: a table that anon, authenticated or PUBLIC can read or
-- write while row level security is off, so every row is theirs to see.
-- Partitions of a table with RLS are left to partition_without_rls.
-- $1: schemas in scope; $2: the API roles (anon, authenticated).
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'row level security is disabled on table %s.%s, which %s can read or write',
         n.nspname, c.relname, reach.roles) as message,
       pg_catalog.format('alter table %I.%I enable row level security;',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 {{api_reach privileges='SELECT, INSERT, UPDATE, DELETE'}}
 where c.relkind in ('r', 'p')
   and not c.relrowsecurity
   and n.nspname = any($1::text[])
   and reach.roles is not null
   and not (c.relispartition and exists (
     select from pg_catalog.pg_inherits i
       join pg_catalog.pg_class parent on parent.oid = i.inhparent
      where i.inhrelid = c.oid and parent.relrowsecurity))
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
