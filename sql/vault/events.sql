-- An append-only log of key and rotation events: a key version first
-- used, a state change, a rotation started or finished, a rollback with
-- its reason. A trigger refuses UPDATE and DELETE, even from the owner.

create table if not exists vault.events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  kind text not null,
  key_version integer,
  job_id bigint,
  reason text,
  actor text not null default current_user,
  detail jsonb not null default '{}'
);

create or replace function vault.refuse_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'vault.events is append-only'
    using errcode = '42501',
      hint = 'record a new event instead of changing an old one';
end
$$;
revoke all on function vault.refuse_change() from public;

drop trigger if exists events_append_only on vault.events;
create trigger events_append_only
  before update or delete on vault.events
  for each row execute function vault.refuse_change();

drop trigger if exists events_no_truncate on vault.events;
create trigger events_no_truncate
  before truncate on vault.events
  for each statement execute function vault.refuse_change();

select vault.protect('vault.events');
grant select, insert on vault.events to service_role;
