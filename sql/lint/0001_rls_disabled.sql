-- rls_disabled: a table that anon, authenticated or PUBLIC can read or
-- write while row level security is off, so every row is theirs to see.
-- Partitions of a table with RLS are left to partition_without_rls.
-- $1: schemas in scope; $2: the API roles (anon, authenticated).
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'row level security is disabled on table %s.%s, which %s can read or write',
         n.nspname, c.relname, reach.roles) as message,
       pg_catalog.format('alter table %I.%I enable row level security;',
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
            'SELECT, INSERT, UPDATE, DELETE')
 ) as reach
 where c.relkind in ('r', 'p')
   and not c.relrowsecurity
   and n.nspname = any($1::text[])
   and reach.roles is not null
   and not (c.relispartition and exists (
     select from pg_catalog.pg_inherits i
       join pg_catalog.pg_class parent on parent.oid = i.inhparent
      where i.inhrelid = c.oid and parent.relrowsecurity))
   and not exists (
     select from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        and d.objid = c.oid and d.deptype = 'e')
