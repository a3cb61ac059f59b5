-- multiple_permissive_policies: more than one permissive policy applies
-- to the same role and command on a table. Permissive policies are ORed,
-- so each is evaluated for every row; merge them into one.
-- $1: schemas in scope; $2: the API roles.
with overlapping as (
  select c.oid as rel, r.rolname, a.ord, a.cmd,
         pg_catalog.string_agg(pg_catalog.quote_ident(p.polname), ', '
           order by p.polname) as names
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_policy p on p.polrelid = c.oid and p.polpermissive
   cross join (values (1, 'r', 'select'), (2, 'a', 'insert'),
                      (3, 'w', 'update'), (4, 'd', 'delete')) as a(ord, code, cmd)
    join pg_catalog.pg_roles r on r.rolname = any($2::text[])
   where n.nspname = any($1::text[])
     and p.polcmd in (a.code, '*')
     and exists (
       select from pg_catalog.unnest(p.polroles) as pr(id)
        where pr.id = 0 or pg_catalog.pg_has_role(r.oid, pr.id, 'MEMBER'))
     and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
   group by c.oid, r.rolname, a.ord, a.cmd
  having count(*) > 1
)
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'table %s.%s has several permissive policies for the same role and command (%s), each evaluated for every row',
         n.nspname, c.relname,
         pg_catalog.string_agg(o.rolname || ' ' || o.cmd || ': ' || o.names,
           '; ' order by o.rolname, o.ord)) as message,
       '-- merge them into one policy per role and command, joining the conditions with OR'
         as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from overlapping o
  join pg_catalog.pg_class c on c.oid = o.rel
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 group by n.nspname, c.relname, c.oid
