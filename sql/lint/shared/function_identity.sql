-- function_identity: the first four output columns of a rule about the
-- function p in the schema n, naming it as ignore entries and baselines
-- match it: name(identity arguments).
n.nspname as object_schema,
p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid)
  || ')' as object_name,
'function' as object_type,
null::text as sub_object
