-- auth_function_per_row: a policy calls auth.uid(), auth.jwt(),
-- auth.role(), auth.email() or current_setting() outside a sub-select, so
-- it runs once per row instead of once per query. Decided on the stored
-- expression tree (function OIDs, not names): a call counts as wrapped
-- when it lies inside a {QUERY} node, whatever search_path the policy
-- was written under, and a policy mixing both forms is caught.
-- $1: schemas in scope.
with {{identity_functions}},
exprs as (
  select p.oid as policy, e.kind, e.tree
    from pg_catalog.pg_policy p
    join pg_catalog.pg_class c on c.oid = p.polrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   cross join lateral (
     values ('using', p.polqual::text), ('check', p.polwithcheck::text))
     as e(kind, tree)
   where e.tree is not null
     and e.tree like '%:funcid %'
     and n.nspname = any($1::text[])
),
bare as (
  select x.policy, pg_catalog.string_agg(distinct found.label, ', ') as calls
    from exprs x
   cross join lateral (
     with {{node_tree_spans tree=x.tree}}
     select tg.label
       from depths d
       join targets tg on tg.oid = d.funcid
      where not exists (
        select from spans q
         where q.tok = '{QUERY'
           and d.ord > q.open_at and d.ord < q.close_at)
   ) as found
   group by x.policy
)
select n.nspname as object_schema,
       c.relname as object_name,
       'policy' as object_type,
       p.polname::text as sub_object,
       pg_catalog.format(
         'policy %s on %s.%s calls %s once per row: wrap each call in a sub-select, e.g. (select auth.uid())',
         pg_catalog.quote_ident(p.polname), n.nspname, c.relname, b.calls)
         as message,
       pg_catalog.format('alter policy %I on %I.%I%s%s;',
         p.polname, n.nspname, c.relname,
         ' using (' || fixed.qual || ')',
         ' with check (' || fixed.checks || ')') as fix,
       false as fixable,
       pg_catalog.obj_description(p.oid, 'pg_policy') as comment
  from bare b
  join pg_catalog.pg_policy p on p.oid = b.policy
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 cross join lateral (
   select max(r.text) filter (where r.kind = 'qual') as qual,
          max(r.text) filter (where r.kind = 'check') as checks
     from (values ('qual', p.polqual), ('check', p.polwithcheck))
            as x(kind, expr)
    cross join lateral (
      select x.kind, pg_catalog.regexp_replace(pg_catalog.regexp_replace(
               pg_catalog.pg_get_expr(x.expr, p.polrelid),
               '\( SELECT ((auth\.\w+|current_setting)\([^()]*\)) AS "?\w+"?\)',
               '(select \1)', 'g'),
               '(?<!select )((auth\.(uid|jwt|role|email)|current_setting)\([^()]*\))',
               '(select \1)', 'g')
    ) as r(kind, text)
 ) as fixed
 where {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
