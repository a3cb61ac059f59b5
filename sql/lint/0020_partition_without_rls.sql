-- partition_without_rls: a partition whose parent has row level security
-- while the partition itself does not. Queries through the parent obey
-- the parent's policies, but the partition can be queried directly, and
-- then no policy applies.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'partition %s.%s of %s.%s has row level security disabled, so %s can read it directly past the parent''s policies',
         n.nspname, c.relname, pn.nspname, parent.relname, reach.roles)
         as message,
       pg_catalog.format('alter table %I.%I enable row level security;',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_inherits i on i.inhrelid = c.oid
  join pg_catalog.pg_class parent on parent.oid = i.inhparent
  join pg_catalog.pg_namespace pn on pn.oid = parent.relnamespace
 {{api_reach privileges='SELECT, INSERT, UPDATE, DELETE'}}
 where c.relispartition
   and not c.relrowsecurity
   and parent.relrowsecurity
   and reach.roles is not null
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
