-- sensitive_columns_without_rls: a table without row level security that
-- anon, authenticated or PUBLIC can reach holds columns whose names say
-- secret (password, token, api_key, ...): the worst case of rls_disabled.
-- $1: schemas in scope; $2: the API roles.
select n.nspname as object_schema,
       c.relname as object_name,
       'table' as object_type,
       null::text as sub_object,
       pg_catalog.format(
         'table %s.%s has row level security disabled and holds sensitive columns (%s) that %s can read',
         n.nspname, c.relname, cols.names, reach.roles) as message,
       pg_catalog.format('alter table %I.%I enable row level security;',
         n.nspname, c.relname) as fix,
       false as fixable,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 cross join lateral (
   select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', '
            order by a.attnum) as names
     from pg_catalog.pg_attribute a
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      and pg_catalog.lower(a.attname) ~ ('^(.*_)?(password|passwd|pass_hash|'
        'password_hash|secret|secret_key|client_secret|token|access_token|'
        'refresh_token|api_key|apikey|private_key|ssn|social_security_number|'
        'credit_card|card_number|cvv|iban|otp|totp_secret|mfa_secret)$')
 ) as cols
 {{api_reach privileges='SELECT'}}
 where c.relkind in ('r', 'p')
   and not c.relrowsecurity
   and cols.names is not null
   and reach.roles is not null
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
