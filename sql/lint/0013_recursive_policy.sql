-- recursive_policy: a policy's expression queries the table the policy
-- is on. Evaluating it applies the same policy again, so every query on
-- the table fails with "infinite recursion detected in policy". Read
-- from the stored tree: a range table entry whose relid is the table.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'policy' as object_type,
       p.polname::text as sub_object,
       pg_catalog.format(
         'policy %s on %s.%s queries %s.%s itself, so every query on it fails with infinite recursion',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname,
         n.nspname, c.relname) as message,
       '-- move the lookup into a SECURITY DEFINER function with set search_path = '''' and call it from the policy'
         as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_policy') as comment
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where (coalesce(p.polqual::text, '') || coalesce(p.polwithcheck::text, ''))
       ~ (':relid ' || c.oid || ' ')
   and n.nspname = any($1::text[])
   and not exists (
     select from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        and d.objid = c.oid and d.deptype = 'e')
