-- force_without_enable: FORCE ROW LEVEL SECURITY was set but RLS itself
-- was never enabled. FORCE alone does nothing: the table is open.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'table %s.%s forces row level security but never enables it, so it is not applied',
         n.nspname, c.relname) as message,
       pg_catalog.format('alter table %I.%I enable row level security;',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p')
   and c.relforcerowsecurity
   and not c.relrowsecurity
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
