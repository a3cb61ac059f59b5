-- view_bypasses_rls: a view without security_invoker over a table with
-- row level security, readable by anon or authenticated. A view reads its
-- tables with its owner's rights, and the owner usually passes RLS, so
-- the view hands out every row the policies were meant to hide.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       'view' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'view %s.%s runs with the rights of its owner, so it reads %s past row level security, and %s can select from it',
         n.nspname, c.relname, base.names, reach.roles) as message,
       pg_catalog.format('alter view %I.%I set (security_invoker = true);',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 cross join lateral (
   select pg_catalog.string_agg(distinct bn.nspname || '.' || b.relname, ', ')
            as names
     from pg_catalog.pg_rewrite w
     join pg_catalog.pg_depend d
       on d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
      and d.objid = w.oid
      and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
     join pg_catalog.pg_class b on b.oid = d.refobjid
     join pg_catalog.pg_namespace bn on bn.oid = b.relnamespace
    where w.ev_class = c.oid and b.oid <> c.oid and b.relrowsecurity
 ) as base
 cross join lateral (
   select pg_catalog.string_agg(r.name, ', ' order by r.ord) as roles
     from (select rolname, 1 from pg_catalog.pg_roles
            where rolname = any($2::text[])
           union all select 'PUBLIC', 2) as r(name, ord)
    where pg_catalog.has_schema_privilege(
            pg_catalog.lower(r.name), n.oid, 'USAGE')
      and pg_catalog.has_table_privilege(pg_catalog.lower(r.name), c.oid,
            'SELECT')
 ) as reach
 where c.relkind = 'v'
   and base.names is not null
   and reach.roles is not null
   and not coalesce((
     select o.option_value::boolean
       from pg_catalog.pg_options_to_table(c.reloptions) as o
      where o.option_name = 'security_invoker'), false)
   and n.nspname = any($1::text[])
   and not exists (
     select from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        and d.objid = c.oid and d.deptype = 'e')
