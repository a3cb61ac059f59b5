-- rule_reads: joins the rewrite rule w of a view or materialized view to
-- the pg_depend rows d of the relations its query reads (d.refobjid); a
-- rule also depends on its own view, which callers leave out if they
-- must (d.refobjid <> w.ev_class).
join pg_catalog.pg_depend d
  on d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
 and d.objid = w.oid
 and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
