-- api_reach: a lateral join adding reach.roles, the API roles ($2) and
-- PUBLIC that have USAGE on the schema n and one of the privileges on the
-- relation c, in that order and joined by ', '; null when none has.
-- Expects c (pg_class) and n (its pg_namespace) in the query.
-- privileges: a literal list for has_table_privilege, e.g. 'SELECT'.
cross join lateral (
  select pg_catalog.string_agg(r.name, ', ' order by r.ord) as roles
    from (select rolname, 1 from pg_catalog.pg_roles
           where rolname = any($2::text[])
          union all select 'PUBLIC', 2) as r(name, ord)
   where pg_catalog.has_schema_privilege(
           pg_catalog.lower(r.name), n.oid, 'USAGE')
     and pg_catalog.has_table_privilege(pg_catalog.lower(r.name), c.oid,
           {{privileges}})
) as reach
