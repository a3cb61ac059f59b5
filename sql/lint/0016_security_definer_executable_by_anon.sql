-- security_definer_executable_by_anon: PUBLIC still holds EXECUTE on a
-- SECURITY DEFINER function in a schema anon may use: the default every
-- new function gets, never revoked. It runs with its owner's rights for a
-- caller who has not even signed in. A function whose EXECUTE was revoked
-- from PUBLIC and granted to anon by name is a decision, not an
-- oversight, and passes; so do trigger functions, which nobody can call
-- directly.
-- $1: schemas in scope; $2: the API roles.
select {{function_identity}},
       pg_catalog.format(
         'SECURITY DEFINER function %s.%s(%s) can be called by anon (PUBLIC holds EXECUTE) and runs with the rights of %s',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid),
         pg_catalog.pg_get_userbyid(p.proowner)) as message,
       pg_catalog.format(
         'revoke execute on function %I.%I(%s) from public, anon;',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid)) as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_proc') as comment
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  join pg_catalog.pg_roles anon on anon.rolname = 'anon'
 where p.prosecdef
   and 'anon' = any($2::text[])
   and p.prorettype not in ('pg_catalog.trigger'::pg_catalog.regtype,
                            'pg_catalog.event_trigger'::pg_catalog.regtype)
   and pg_catalog.has_schema_privilege(anon.oid, n.oid, 'USAGE')
   and pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_proc' object=p.oid}}
