-- view_bypasses_rls: a view without security_invoker over a table with
-- row level security, readable by anon or authenticated. A view reads its
-- tables with its owner's rights, and the owner usually passes RLS, so
-- the view hands out every row the policies were meant to hide.
-- Tables read through other views are followed too.
-- $1: schemas in scope; $2: the API roles.
with recursive reads(view, rel, depth) as (
  select w.ev_class, d.refobjid, 1
    from pg_catalog.pg_rewrite w
    {{rule_reads}}
   where d.refobjid <> w.ev_class
  union
  select r.view, d.refobjid, r.depth + 1
    from reads r
    join pg_catalog.pg_class v on v.oid = r.rel and v.relkind = 'v'
    join pg_catalog.pg_rewrite w on w.ev_class = v.oid
    {{rule_reads}}
   where d.refobjid <> w.ev_class and r.depth < 16
)
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
     from reads r
     join pg_catalog.pg_class b on b.oid = r.rel
     join pg_catalog.pg_namespace bn on bn.oid = b.relnamespace
    where r.view = c.oid and b.relrowsecurity
 ) as base
 {{api_reach privileges='SELECT'}}
 where c.relkind = 'v'
   and base.names is not null
   and reach.roles is not null
   and not coalesce((
     select o.option_value::boolean
       from pg_catalog.pg_options_to_table(c.reloptions) as o
      where o.option_name = 'security_invoker'), false)
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
