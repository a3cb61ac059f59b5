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
 {{api_reach privileges='SELECT'}}
 where c.relkind in ('v', 'm')
   and reach.roles is not null
   and exists (
     select from pg_catalog.pg_rewrite w
       {{rule_reads}}
      where w.ev_class = c.oid
        and d.refobjid = pg_catalog.to_regclass('auth.users'))
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
