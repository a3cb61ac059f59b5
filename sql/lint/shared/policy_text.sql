-- policy_text: a lateral join adding e.text, the deparsed USING and WITH
-- CHECK expressions of the policy p, joined by a space ('' for a missing
-- one). Deparsed under the lint's empty search_path, so functions are
-- named with their schema (auth.uid()).
cross join lateral (
  select coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') || ' '
      || coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '')
      as text
) as e
