-- policy_always_true: a permissive policy whose USING or WITH CHECK is
-- the constant true on a write (insert, update, delete or all), or on any
-- command for anon or PUBLIC: it allows every row to everyone it names.
-- Policies only for roles that bypass RLS anyway are left alone. The fix
-- replaces every clause flagged, USING and WITH CHECK, with a comparison
-- of user_id and the caller when the table has a user_id uuid column, or
-- else is a commented template with <condition> to fill in.
-- $1: schemas in scope.
select n.nspname as object_schema,
       c.relname as object_name,
       'policy' as object_type,
       p.polname::text as sub_object,
       pg_catalog.format(
         'policy %s on %s.%s (%s to %s) has %s (true), which allows every row',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname, cmd.name,
         roles.names,
         case when e.qual and e.checks then 'USING and WITH CHECK'
              when e.qual then 'USING' else 'WITH CHECK' end) as message,
       case when owner.own then '' else
         '-- write a condition for the rows each role may see: ' end
       || pg_catalog.format('alter policy %I on %I.%I', p.polname, n.nspname,
            c.relname)
       || case when e.qual then ' using (' || cond.text || ')' else '' end
       || case when e.checks then ' with check (' || cond.text || ')'
               else '' end
       || ';' as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_policy') as comment
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 cross join lateral (
   select coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid) = 'true',
                   false) as qual,
          coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) = 'true',
                   false) as checks
 ) as e
 {{owner_column table=c.oid}}
 cross join lateral (
   select case when owner.own then 'user_id = (select auth.uid())'
               else '<condition>' end
 ) as cond(text)
 cross join lateral (
   select case p.polcmd when 'r' then 'select' when 'a' then 'insert'
            when 'w' then 'update' when 'd' then 'delete' else 'all' end
 ) as cmd(name)
 cross join lateral (
   select pg_catalog.string_agg(
            case when r.id = 0 then 'PUBLIC'
                 else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r.id))
            end, ', ' order by r.ord) as names,
          bool_or(r.id = 0 or pg_catalog.pg_get_userbyid(r.id) = 'anon')
            as anon,
          bool_and(coalesce((select a.rolbypassrls or a.rolsuper
                               from pg_catalog.pg_roles a
                              where a.oid = r.id), false)) as bypass
     from pg_catalog.unnest(p.polroles) with ordinality as r(id, ord)
 ) as roles
 where p.polpermissive
   and (p.polqual::text like '{CONST %' or p.polwithcheck::text like '{CONST %')
   and (e.qual or e.checks)
   and (p.polcmd <> 'r' or roles.anon)
   and not roles.bypass
   and n.nspname = any($1::text[])
   and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
