-- truncate_granted: anon, authenticated or PUBLIC may TRUNCATE a table.
-- Row level security does not apply to TRUNCATE: whoever holds it can
-- empty the table whatever the policies say.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         '%s may truncate table %s.%s, and row level security does not apply to TRUNCATE',
         reach.roles, n.nspname, c.relname) as message,
       pg_catalog.format(
         'revoke truncate on table %I.%I from public, anon, authenticated;',
         n.nspname, c.relname) as fix,
       true as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 {{api_reach privileges='TRUNCATE'}}
 where c.relkind in ('r', 'p')
   and reach.roles is not null
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
