-- policy_column_unindexed: a column that a policy compares with the
-- caller's identity (auth.uid(), auth.jwt(), ...) is not the first column
-- of any index, so every query filtered by the policy scans the table.
-- Read from the stored expression tree: a column of the policy's table
-- (outside any sub-select) that is an operand of a comparison which also
-- calls one of the auth functions.
-- $1: schemas in scope.
with {{identity_functions}},
exprs as (
  select p.polrelid as rel, e.tree
    from pg_catalog.pg_policy p
    join pg_catalog.pg_class c on c.oid = p.polrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   cross join lateral (
     values ('using', p.polqual::text), ('check', p.polwithcheck::text))
     as e(kind, tree)
   where e.tree is not null
     and e.tree like '%{OPEXPR%'
     and e.tree like '%:funcid %'
     and n.nspname = any($1::text[])
     and {{not_extension_member catalog='pg_catalog.pg_class' object=c.oid}}
),
columns as (
  select distinct x.rel, found.attno
    from exprs x
   cross join lateral (
     with {{node_tree_spans tree=x.tree}},
     calls as (
       select distinct op.open_at, op.close_at, op.depth
         from spans op
         join depths f on f.ord > op.open_at and f.ord < op.close_at
        where op.tok = '{OPEXPR'
          and f.funcid in (select tg.oid from targets tg)
     )
     select v.attno
       from depths v
       join calls op on v.ord > op.open_at and v.ord < op.close_at
                    and v.depth = op.depth + 1
      where v.varno = 1 and v.attno > 0
        and not exists (
          select from spans q
           where q.tok = '{QUERY'
             and v.ord > q.open_at and v.ord < q.close_at)
   ) as found
)
select n.nspname as object_schema,
       c.relname as object_name,
       'column' as object_type,
       a.attname::text as sub_object,
       pg_catalog.format(
         'column %s of %s.%s is compared with the caller''s identity in a policy but leads no index, so every filtered query scans the table',
         pg_catalog.quote_ident(a.attname), n.nspname, c.relname) as message,
       pg_catalog.format('create index on %I.%I (%I);',
         n.nspname, c.relname, a.attname) as fix,
       true as fixable,
       pg_catalog.col_description(c.oid, a.attnum) as comment
  from columns k
  join pg_catalog.pg_class c on c.oid = k.rel
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = k.attno
 where not exists (
   select from pg_catalog.pg_index i
    where i.indrelid = c.oid and i.indkey[0] = k.attno)
