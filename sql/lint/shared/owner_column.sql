-- owner_column: a lateral join adding owner.own, true when the table
-- has a user_id uuid column, so that a suggested policy may
-- compare it with (select auth.uid()); false when it has none, and the
-- fix is then a template the user fills in.
-- table: the table's oid, e.g. c.oid.
cross join lateral (
  select exists (
    select from pg_catalog.pg_attribute a
     where a.attrelid = {{table}} and a.attname = 'user_id'
       and a.atttypid = 'pg_catalog.uuid'::pg_catalog.regtype
       and a.attnum > 0 and not a.attisdropped) as own
) as owner
