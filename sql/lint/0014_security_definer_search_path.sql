-- security_definer_search_path: a SECURITY DEFINER function without a
-- pinned search_path. It runs with its owner's rights but resolves names
-- through the caller's search_path, so a caller can put their own
-- function or operator in front of the one it means and run it as the
-- owner.
-- $1: schemas in scope.
select {{function_identity}},
       pg_catalog.format(
         'SECURITY DEFINER function %s.%s(%s) does not pin search_path, so a caller can make it run their own objects with the rights of %s',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid),
         pg_catalog.pg_get_userbyid(p.proowner)) as message,
       pg_catalog.format(
         'alter function %I.%I(%s) set search_path = '''';',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid)) as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_proc') as comment
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where p.prosecdef
   and {{search_path_unpinned}}
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_proc' object=p.oid}}
