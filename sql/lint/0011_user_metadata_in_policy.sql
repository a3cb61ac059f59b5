-- user_metadata_in_policy: a policy reads user_metadata from auth.jwt(),
-- or raw_user_meta_data from auth.users. Users can edit their own
-- metadata, so a policy that trusts it lets them grant themselves access.
-- Authorisation data belongs in app_metadata, which only the backend
-- writes.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'policy' as object_type,
       p.polname::text as sub_object,
       pg_catalog.format(
         'policy %s on %s.%s trusts user metadata, which users can change themselves',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname) as message,
       '-- read the claim from app_metadata instead: auth.jwt() -> ''app_metadata'''
         as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_policy') as comment
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 cross join lateral (
   select coalesce(p.polqual::text, '') || coalesce(p.polwithcheck::text, '')
       as tree
 ) as t
 {{policy_text}}
 where ((exists (
           select from pg_catalog.pg_proc f
             join pg_catalog.pg_namespace fn on fn.oid = f.pronamespace
            where fn.nspname = 'auth' and f.proname = 'jwt'
              and t.tree like ('%:funcid ' || f.oid || ' %'))
         and e.text like '%user_metadata%')
     or (t.tree like ('%:relid ' || pg_catalog.to_regclass('auth.users')::pg_catalog.oid || ' %')
         and e.text like '%raw_user_meta_data%'))
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
