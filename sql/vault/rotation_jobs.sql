-- One row per run of re-encrypt or rollback. A run beats `heartbeat_at`
-- while it works; a row left `running` without a recent heartbeat was
-- interrupted (kill -9, a lost connection) and the next run marks it so.
-- Progress itself lives in vault.secrets: a secret is done once its
-- key_version is the target, so a rerun continues where one stopped.

create table if not exists vault.rotation_jobs (
  id bigint generated always as identity primary key,
  kind text not null default 'rotate' check (kind in ('rotate', 'rollback')),
  from_version integer not null,
  to_version integer not null,
  status text not null default 'running'
    check (status in ('running', 'completed', 'failed', 'interrupted')),
  scanned bigint not null default 0,
  re_encrypted bigint not null default 0,
  skipped bigint not null default 0,
  failed bigint not null default 0,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  finished_at timestamptz,
  error text
);

select vault.protect('vault.rotation_jobs');
grant select, insert, update on vault.rotation_jobs to service_role;
