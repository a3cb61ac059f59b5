-- identity_functions: a CTE (written after WITH, no trailing comma),
-- targets(oid, label), of the functions that read the caller's identity:
-- auth.uid(), auth.jwt(), auth.role(), auth.email() and
-- pg_catalog.current_setting(), labelled as the messages name them.
targets as (
  select p.oid,
         case n.nspname when 'auth' then 'auth.' else '' end
           || p.proname || '()' as label
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where (n.nspname = 'auth' and p.proname in ('uid', 'jwt', 'role', 'email'))
      or (n.nspname = 'pg_catalog' and p.proname = 'current_setting')
)
