-- function_search_path_mutable: a function (not SECURITY DEFINER, which
-- security_definer_search_path covers) that resolves names through the
-- caller's search_path. Called from a trigger or by a privileged role with
-- a hostile search_path, it runs somebody else's objects.
-- Skipped: SQL functions declared STABLE or IMMUTABLE, because a SET
-- clause stops the planner from inlining them (auth.uid() in a policy
-- would then cost a call per row), and SQL-standard bodies (BEGIN ATOMIC),
-- whose names are bound when they are created.
-- $1: schemas in scope.
select n.nspname as object_schema,
       p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid)
         || ')' as object_name,
       'function' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'function %s.%s(%s) has a mutable search_path, so the objects it uses depend on who calls it',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid)) as message,
       pg_catalog.format(
         'alter function %I.%I(%s) set search_path = '''';',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid)) as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_proc') as comment
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  join pg_catalog.pg_language l on l.oid = p.prolang
 where not p.prosecdef
   and p.prokind in ('f', 'p')
   and l.lanname not in ('c', 'internal')
   and p.prosqlbody is null
   and not (l.lanname = 'sql' and p.provolatile in ('s', 'i'))
   and not exists (
     select from pg_catalog.unnest(p.proconfig) as setting
      where setting like 'search_path=%')
   and n.nspname = any($1::text[])
   and not exists (
     select from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
        and d.objid = p.oid and d.deptype = 'e')
