-- null_check_bypass: a policy ORs in "auth.uid() IS NULL" (or another
-- auth function). Every anonymous request has no uid, so the policy
-- hands it every row. Runs with search_path = '' so that the deparsed
-- expression names functions with their schema.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'policy' as object_type,
       p.polname::text as sub_object,
       pg_catalog.format(
         'policy %s on %s.%s allows every row when %s IS NULL, which is true for every anonymous request',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname,
         m.call[1] || '()') as message,
       '-- drop the IS NULL branch: a request without a user must match no row'
         as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_policy') as comment
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 {{policy_text}}
 cross join lateral pg_catalog.regexp_match(e.text,
   '(?:\( SELECT )?(auth\.(?:uid|role|email|jwt))\(\)(?: AS \w+\))? IS NULL')
   as m(call)
 where m.call is not null
   and e.text ~ ' OR '
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
