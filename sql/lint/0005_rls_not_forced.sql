-- rls_not_forced: RLS is enabled but not forced, so the table's owner
-- (often the role a backend or a migration connects as) passes every
-- policy without a word.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'row level security on table %s.%s is not forced, so its owner %s bypasses every policy',
         n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner)) as message,
       pg_catalog.format('alter table %I.%I force row level security;',
         n.nspname, c.relname) as fix,
       true as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p')
   and c.relrowsecurity
   and not c.relforcerowsecurity
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
