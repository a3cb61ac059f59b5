-- policy_exists_rls_disabled: a table has policies but row level security
-- is off, so the policies are ignored and every row is visible to anyone
-- with a grant. Usually a forgotten ENABLE.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'row level security is disabled on table %s.%s, so its policies are ignored: %s',
         n.nspname, c.relname, pol.names) as message,
       pg_catalog.format('alter table %I.%I enable row level security;',
         n.nspname, c.relname) as fix,
       true as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 cross join lateral (
   select pg_catalog.string_agg(pg_catalog.quote_ident(p.polname), ', '
            order by p.polname) as names
     from pg_catalog.pg_policy p where p.polrelid = c.oid
 ) as pol
 where c.relkind in ('r', 'p')
   and not c.relrowsecurity
   and pol.names is not null
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
