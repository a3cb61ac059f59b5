-- function_search_path_mutable: a function (not SECURITY DEFINER, which
-- security_definer_search_path covers) that runs implicitly for other
-- roles, as a trigger or called from a policy, view, column default,
-- check constraint or index, and resolves names through their
-- search_path: whoever can put an object on that path decides what it
-- runs. A function that only its caller calls explicitly runs under the
-- caller's own path, so it is left alone.
-- Skipped: SQL functions declared STABLE or IMMUTABLE, because a SET
-- clause stops the planner from inlining them (auth.uid() in a policy
-- would then cost a call per row), and SQL-standard bodies (BEGIN ATOMIC),
-- whose names are bound when they are created.
-- $1: schemas in scope.
select {{function_identity}},
       pg_catalog.format(
         'function %s.%s(%s) runs %s with a mutable search_path, so the objects it uses depend on whoever sets it off',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid),
         case when implicit.trigger then 'as a trigger'
              else 'from a policy, view, default, constraint or index'
         end) as message,
       pg_catalog.format(
         'alter function %I.%I(%s) set search_path = '''';',
         n.nspname, p.proname,
         pg_catalog.pg_get_function_identity_arguments(p.oid)) as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_proc') as comment
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  join pg_catalog.pg_language l on l.oid = p.prolang
 cross join lateral (
   select p.prorettype in ('pg_catalog.trigger'::pg_catalog.regtype,
                           'pg_catalog.event_trigger'::pg_catalog.regtype)
            as trigger,
          exists (
            select from pg_catalog.pg_depend d
             where d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
               and d.refobjid = p.oid
               and d.classid in (
                 'pg_catalog.pg_policy'::pg_catalog.regclass,
                 'pg_catalog.pg_rewrite'::pg_catalog.regclass,
                 'pg_catalog.pg_attrdef'::pg_catalog.regclass,
                 'pg_catalog.pg_constraint'::pg_catalog.regclass,
                 'pg_catalog.pg_class'::pg_catalog.regclass)) as called
 ) as implicit
 where not p.prosecdef
   and (implicit.trigger or implicit.called)
   and p.prokind in ('f', 'p')
   and l.lanname not in ('c', 'internal')
   and p.prosqlbody is null
   and not (l.lanname = 'sql' and p.provolatile in ('s', 'i'))
   and {{search_path_unpinned}}
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_proc' object=p.oid}}
