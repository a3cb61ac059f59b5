-- node_tree_spans: three CTEs (written after WITH, no trailing comma) that
-- read a stored expression tree (pg_node_tree as text, e.g. polqual::text):
--   tokens(ord, tok, varno, attno, funcid): each unescaped { and }, in
--     order; tok is '{QUERY', '{OPEXPR', '{VAR :varno N :varattno M', '{'
--     or '}'; a ':funcid N' is a token of its own with funcid set;
--   depths: tokens with depth, the nesting level after the token;
--   spans(tok, open_at, depth, close_at): each {QUERY and {OPEXPR node
--     with the ord of its own token and of the } that closes it.
-- tree: the text of the tree, e.g. x.tree.
tokens as (
  select m.ord, m.tok[1] as tok, m.tok[2]::int as varno,
         m.tok[3]::int as attno, m.tok[4]::pg_catalog.oid as funcid
    from pg_catalog.regexp_matches({{tree}},
      '((?<!\\)\{QUERY|(?<!\\)\{OPEXPR|(?<!\\)\{VAR :varno (\d+) :varattno (\d+)|(?<!\\)\{|(?<!\\)\}|:funcid (\d+))',
      'g') with ordinality as m(tok, ord)
),
depths as (
  select t.*, sum(case when t.tok = '}' then -1
                       when t.tok like '{%' then 1 else 0 end)
                over (order by t.ord) as depth
    from tokens t
),
spans as (
  select l.tok, l.ord as open_at, l.depth, l.close_at
    from (select d.*, lead(d.ord) over (
            partition by case when d.tok = '}' then d.depth + 1
                              else d.depth end
            order by d.ord) as close_at
            from depths d where d.funcid is null) as l
   where l.tok in ('{QUERY', '{OPEXPR')
)
