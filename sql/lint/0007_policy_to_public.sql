-- policy_to_public: a policy written without a TO clause applies to
-- PUBLIC, every role there is, including anon and any role added later.
-- Name the roles the policy is meant for.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'policy' as object_type,
       p.polname::text as sub_object,
       pg_catalog.format(
         'policy %s on %s.%s has no TO clause, so it applies to every role, anon included',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname) as message,
       pg_catalog.format('alter policy %I on %I.%I to authenticated;',
         p.polname, n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_policy') as comment
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where p.polroles = '{0}'::pg_catalog.oid[]
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
