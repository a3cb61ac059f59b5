-- Token buckets: ratelimit.buckets and ratelimit.take(). A bucket holds up
-- to `capacity` tokens and refills `capacity` tokens per `period`. Tokens
-- are kept as whole numbers scaled by the period in milliseconds (one token
-- is `period_ms` units, and every millisecond adds `capacity` units), so
-- the arithmetic is exact and gives the same decisions as the Redis script
-- and the in-process limiter of the TypeScript library.
--
-- The table is UNLOGGED: a limiter's state need not survive a crash, and
-- logged writes would cap a hot bucket at commit speed. A bucket that is
-- full again is the same as no row, so purge() may drop it.

create schema if not exists ratelimit;
grant usage on schema ratelimit to anon, authenticated, service_role;

create unlogged table if not exists ratelimit.buckets (
  key text primary key,
  tokens bigint not null,
  updated_ms bigint not null
);
comment on column ratelimit.buckets.tokens is
  'tokens left, in units of 1/period_ms of a token';
comment on column ratelimit.buckets.updated_ms is
  'when tokens was last written, in ms since the epoch (ratelimit.clock_ms)';
alter table ratelimit.buckets enable row level security;
alter table ratelimit.buckets force row level security;
revoke all on ratelimit.buckets from public;

-- The role that installed the pack (the owner of check()) reads and writes
-- buckets; service_role (BYPASSRLS) calls take() itself; anon and
-- authenticated go through check().
drop policy if exists buckets_owner on ratelimit.buckets;
create policy buckets_owner on ratelimit.buckets
  for all to current_user using (true) with check (true);

-- The database's clock in milliseconds since the epoch. A test database
-- may replace it to replay a sequence of requests at chosen times.
create or replace function ratelimit.clock_ms() returns bigint
language sql volatile
as $$
  select pg_catalog.floor(
    pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()) * 1000
  )::bigint
$$;

-- Raises the error for arguments take() cannot decide on. Returns bigint
-- only so that take() can call it inside its statement.
create or replace function ratelimit.refuse(
  key text,
  capacity integer,
  period_ms bigint,
  cost integer
) returns bigint
language plpgsql volatile
as $$
begin
  if key is null then
    raise exception 'ratelimit.take: key must not be null'
      using errcode = '22004';
  elsif capacity is null or capacity < 1 then
    raise exception 'ratelimit.take: capacity must be at least 1'
      using errcode = '22023';
  elsif period_ms is null or period_ms < 1 then
    raise exception 'ratelimit.take: period must be at least 1 millisecond'
      using errcode = '22023';
  end if;
  raise exception 'ratelimit.take: cost must be between 1 and the capacity (%)',
    capacity using errcode = '22023';
end
$$;

-- Takes `cost` tokens from the bucket `key`, on the database's clock. The
-- row is decided and recorded by one INSERT ... ON CONFLICT DO UPDATE ...
-- WHERE: the UPDATE runs only when the refilled bucket holds `cost` tokens,
-- on the row as it is once its lock is held, so concurrent callers never
-- both spend the same token. A refused call writes nothing; its figures are
-- read afterwards and only inform the caller.
--
-- One row of OUT parameters rather than RETURNS TABLE: `select * from
-- ratelimit.take(...)` gives the same columns, and without a set-returning
-- function `select ratelimit.take(...)` is a twentieth faster.
--
-- SECURITY INVOKER on purpose: it is called per request, and a SECURITY
-- DEFINER function with a pinned search_path costs a fifth of the
-- throughput. Only service_role (and the owner) may call it, and only they
-- hold privileges on the table; ratelimit.check() is the way in for anon
-- and authenticated.
create or replace function ratelimit.take(
  key text,
  capacity integer,
  period interval,
  cost integer default 1
,
  out allowed boolean,
  out remaining integer,
  out retry_after_ms bigint,
  out reset_ms bigint
)
language plpgsql volatile
as $$
declare
  ms bigint := pg_catalog.round(pg_catalog.date_part('epoch', period) * 1000);
begin
  -- The time is read once, in VALUES; the UPDATE sees it as
  -- excluded.updated_ms.
  insert into ratelimit.buckets as b (key, tokens, updated_ms)
  values (
    take.key,
    case
      when take.key is not null and capacity >= 1 and ms >= 1
        and cost between 1 and capacity
      then (capacity - cost)::bigint * ms
      else ratelimit.refuse(take.key, capacity, ms, cost)
    end,
    ratelimit.clock_ms()
  )
  on conflict on constraint buckets_pkey do update
    set tokens = least(
          capacity::bigint * ms,
          b.tokens
            + least(greatest(excluded.updated_ms - b.updated_ms, 0), ms)
            * capacity
        ) - cost::bigint * ms,
        updated_ms = greatest(b.updated_ms, excluded.updated_ms)
    where least(
          capacity::bigint * ms,
          b.tokens
            + least(greatest(excluded.updated_ms - b.updated_ms, 0), ms)
            * capacity
        ) >= cost::bigint * ms
  returning true, (b.tokens / ms)::integer, 0::bigint,
    (capacity::bigint * ms - b.tokens + capacity - 1) / capacity
  into allowed, remaining, retry_after_ms, reset_ms;

  if not found then
    select false, (s.units / ms)::integer,
           (cost::bigint * ms - s.units + capacity - 1) / capacity,
           (capacity::bigint * ms - s.units + capacity - 1) / capacity
      into allowed, remaining, retry_after_ms, reset_ms
      from (
        select coalesce(
          (select least(
             capacity::bigint * ms,
             b.tokens
               + least(greatest(ratelimit.clock_ms() - b.updated_ms, 0), ms)
               * capacity)
             from ratelimit.buckets as b
            where b.key = take.key),
          capacity::bigint * ms) as units
      ) as s;
  end if;
end
$$;
revoke execute on function ratelimit.take(text, integer, interval, integer)
  from public;
grant execute on function ratelimit.take(text, integer, interval, integer)
  to service_role;
grant select, insert, update on ratelimit.buckets to service_role;

-- Drops buckets untouched for `older_than`. A bucket whose period is not
-- longer than `older_than` is full again by then, so dropping it changes
-- no decision. Returns how many were dropped.
create or replace function ratelimit.purge(
  older_than interval default '1 hour'
) returns bigint
language sql volatile security definer
set search_path = ''
as $$
  with gone as (
    delete from ratelimit.buckets as b
     where b.updated_ms < ratelimit.clock_ms()
       - floor(extract(epoch from older_than) * 1000)::bigint
    returning 1
  )
  select pg_catalog.count(*) from gone
$$;
revoke execute on function ratelimit.purge(interval) from public;
grant execute on function ratelimit.purge(interval) to service_role;
