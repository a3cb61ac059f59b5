-- The toolkit's own bookkeeping: the schema that holds the migrations
-- table (fluxbase.pgmigrations, made by node-pg-migrate) and the checksum
-- of every migration applied, so that a file changed afterwards is seen.
-- Nobody but the migrating role needs it: no grants.

create schema if not exists fluxbase;
revoke all on schema fluxbase from public;

create table if not exists fluxbase.migration_checksums (
  name text primary key,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  applied_at timestamptz not null default now()
);

alter table fluxbase.migration_checksums enable row level security;
alter table fluxbase.migration_checksums force row level security;
