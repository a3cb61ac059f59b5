-- auth_users_exposed: a view or materialized view that reads auth.users
-- and that anon or authenticated can select from: e-mail addresses,
-- metadata and sign-in details of every user, to anyone with the API.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       case c.relkind when 'm' then 'materialized view' else 'view' end
         as object_type,
       null::text as sub_object,
       pg_catalog.format('%s %s.%s exposes auth.users to %s',
         case c.relkind when 'm' then 'materialized view' else 'view' end,
         n.nspname, c.relname, reach.roles) as message,
       pg_catalog.format('revoke select on %I.%I from public, anon, authenticated;',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
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
 where c.relkind in ('v', 'm')
   and reach.roles is not null
   and exists (
     select from pg_catalog.pg_rewrite w
       join pg_catalog.pg_depend d
         on d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
        and d.objid = w.oid
        and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      where w.ev_class = c.oid
        and d.refobjid = pg_catalog.to_regclass('auth.users'))
   and n.nspname = any($1::text[])
   and not exists (
     select from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        and d.objid = c.oid and d.deptype = 'e')
