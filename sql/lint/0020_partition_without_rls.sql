-- partition_without_rls: a partition whose parent has row level security
-- while the partition itself does not. Queries through the parent obey
-- the parent's policies, but the partition can be queried directly, and
-- then no policy applies.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'partition %s.%s of %s.%s has row level security disabled, so %s can read it directly past the parent''s policies',
         n.nspname, c.relname, pn.nspname, parent.relname, reach.roles)
         as message,
       pg_catalog.format('alter table %I.%I enable row level security;',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_inherits i on i.inhrelid = c.oid
  join pg_catalog.pg_class parent on parent.oid = i.inhparent
  join pg_catalog.pg_namespace pn on pn.oid = parent.relnamespace
 cross join lateral (
   select pg_catalog.string_agg(r.name, ', ' order by r.ord) as roles
     from (select rolname, 1 from pg_catalog.pg_roles
            where rolname = any($2::text[])
           union all select 'PUBLIC', 2) as r(name, ord)
    where pg_catalog.has_schema_privilege(
            pg_catalog.lower(r.name), n.oid, 'USAGE')
      and pg_catalog.has_table_privilege(pg_catalog.lower(r.name), c.oid,
            'SELECT, INSERT, UPDATE, DELETE')
 ) as reach
 where c.relispartition
   and not c.relrowsecurity
   and parent.relrowsecurity
   and reach.roles is not null
   and n.nspname = any($1::text[])
   and not exists (
     select from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        and d.objid = c.oid and d.deptype = 'e')
