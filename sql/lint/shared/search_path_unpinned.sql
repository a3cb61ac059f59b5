-- search_path_unpinned: true when the function p has no SET search_path
-- of its own, so it resolves names through the search_path of whoever
-- calls it.
not exists (
  select from pg_catalog.unnest(p.proconfig) as setting
   where setting like 'search_path=%')
