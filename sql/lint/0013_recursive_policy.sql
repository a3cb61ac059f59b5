-- recursive_policy: a policy's expression queries the table the policy
-- is on, or a table with RLS whose own policy queries this one back.
-- Evaluating it applies the same policy again, so every query on the
-- table fails with "infinite recursion detected in policy". Read from the
-- stored trees: the relid of each range table entry they hold.
-- $1: schemas in scope.
with refs as (
  select distinct p.oid as policy, p.polrelid as rel,
         m.relid[1]::pg_catalog.oid as target
    from pg_catalog.pg_policy p
   cross join lateral pg_catalog.regexp_matches(
     coalesce(p.polqual::text, '') || ' ' || coalesce(p.polwithcheck::text, ''),
     ':relid (\d+)', 'g') as m(relid)
   where coalesce(p.polqual::text, '') || coalesce(p.polwithcheck::text, '')
         like '%:relid %'
),
loops as (
  select r.policy, min(r.target) filter (where r.target = r.rel) as self,
         min(t.oid) filter (where r.target <> r.rel) as other
    from refs r
    join pg_catalog.pg_class t on t.oid = r.target
   where r.target = r.rel
      or (t.relrowsecurity and exists (
            select from refs back
             where back.rel = r.target and back.target = r.rel))
   group by r.policy
)
select n.nspname as object_schema,
       c.relname as object_name,
       'policy' as object_type,
       p.polname::text as sub_object,
       case when l.self is not null then pg_catalog.format(
         'policy %s on %s.%s queries %s.%s itself, so every query on it fails with infinite recursion',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname,
         n.nspname, c.relname)
       else pg_catalog.format(
         'policy %s on %s.%s queries %s.%s, whose policies query %s.%s back, so every query on them fails with infinite recursion',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname,
         tn.nspname, t.relname, n.nspname, c.relname)
       end as message,
       '-- move the lookup into a SECURITY DEFINER function with set search_path = '''' and call it from the policy'
         as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_policy') as comment
  from loops l
  join pg_catalog.pg_policy p on p.oid = l.policy
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  left join pg_catalog.pg_class t on t.oid = l.other
  left join pg_catalog.pg_namespace tn on tn.oid = t.relnamespace
 where n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
