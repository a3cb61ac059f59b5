-- The three roles a request runs as: anon (no token), authenticated (a
-- user's token) and service_role (the backend itself, past RLS). Roles
-- belong to the cluster, not the database, so another database may have
-- made them already; each is created only when missing, and a concurrent
-- run that makes it first is not an error.

do $roles$
declare
  spec record;
begin
  for spec in
    select * from (values
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls')
    ) as r(name, options)
  loop
    continue when exists (
      select from pg_catalog.pg_roles where rolname = spec.name
    );
    begin
      execute format('create role %I %s', spec.name, spec.options);
    exception when duplicate_object or unique_violation then
      null;
    end;
  end loop;
end
$roles$;
