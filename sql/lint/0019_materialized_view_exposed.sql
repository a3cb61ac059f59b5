-- materialized_view_exposed: a materialized view that anon or
-- authenticated can select from. Materialized views cannot have row level
-- security: every row they hold is visible to whoever may read them.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       'materialized view' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'materialized view %s.%s cannot have row level security and %s can select every row of it',
         n.nspname, c.relname, reach.roles) as message,
       pg_catalog.format('revoke select on %I.%I from public, anon, authenticated;',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 {{api_reach privileges='SELECT'}}
 where c.relkind = 'm'
   and reach.roles is not null
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
