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
alter table ratelimit.buckets enable row level security;
alter table ratelimit.buckets force row level security;
revoke all on ratelimit.buckets from public;

-- Only the role that installed the pack (the owner of the functions below)
-- reads and writes buckets; every other role goes through take()/check().
drop policy if exists buckets_owner on ratelimit.buckets;
create policy buckets_owner on ratelimit.buckets
  for all to current_user using (true) with check (true);

-- The decision at a given time, in milliseconds since the epoch. The row is
-- decided and recorded by one INSERT ... ON CONFLICT DO UPDATE ... WHERE:
-- the UPDATE runs only when the refilled bucket holds `cost` tokens, on the
-- row as it is once its lock is held, so concurrent callers never both
-- spend the same token. A refused call writes nothing; its figures are
-- read afterwards and only inform the caller.
create or replace function ratelimit.take_at(
  p_key text,
  p_capacity integer,
  p_period interval,
  p_cost integer,
  p_now_ms bigint
) returns table (
  allowed boolean,
  remaining integer,
  retry_after_ms bigint,
  reset_ms bigint
)
language plpgsql volatile
as $$
declare
  period_ms bigint := floor(extract(epoch from p_period) * 1000)::bigint;
  full_units bigint := p_capacity::bigint * period_ms;
  need bigint := p_cost::bigint * period_ms;
  left_units bigint;
begin
  if p_key is null or p_capacity is null or p_capacity < 1 then
    raise exception 'ratelimit.take: capacity must be at least 1'
      using errcode = '22023';
  end if;
  if period_ms is null or period_ms < 1 then
    raise exception 'ratelimit.take: period must be at least 1 millisecond'
      using errcode = '22023';
  end if;
  if p_cost is null or p_cost < 1 or p_cost > p_capacity then
    raise exception 'ratelimit.take: cost must be between 1 and the capacity (%)',
      p_capacity using errcode = '22023';
  end if;

  insert into ratelimit.buckets as b (key, tokens, updated_ms)
  values (p_key, full_units - need, p_now_ms)
  on conflict (key) do update
    set tokens = least(
          full_units,
          b.tokens
            + least(greatest(p_now_ms - b.updated_ms, 0), period_ms)
            * p_capacity
        ) - need,
        updated_ms = greatest(b.updated_ms, p_now_ms)
    where least(
          full_units,
          b.tokens
            + least(greatest(p_now_ms - b.updated_ms, 0), period_ms)
            * p_capacity
        ) >= need
  returning b.tokens into left_units;

  allowed := found;
  if not allowed then
    select least(
             full_units,
             b.tokens
               + least(greatest(p_now_ms - b.updated_ms, 0), period_ms)
               * p_capacity
           )
      into left_units
      from ratelimit.buckets as b
     where b.key = p_key;
    left_units := coalesce(left_units, full_units);
  end if;

  remaining := left_units / period_ms;
  retry_after_ms := case
    when allowed then 0
    else (need - left_units + p_capacity - 1) / p_capacity
  end;
  reset_ms := (full_units - left_units + p_capacity - 1) / p_capacity;
  return next;
end
$$;
revoke execute on function
  ratelimit.take_at(text, integer, interval, integer, bigint) from public;

-- Takes `cost` tokens from the bucket `key`, on the database's clock.
create or replace function ratelimit.take(
  key text,
  capacity integer,
  period interval,
  cost integer default 1
) returns table (
  allowed boolean,
  remaining integer,
  retry_after_ms bigint,
  reset_ms bigint
)
language sql volatile security definer
set search_path = ''
as $$
  select *
    from ratelimit.take_at(
      key, capacity, period, cost,
      floor(extract(epoch from pg_catalog.clock_timestamp()) * 1000)::bigint
    )
$$;
revoke execute on function ratelimit.take(text, integer, interval, integer)
  from public;
grant execute on function ratelimit.take(text, integer, interval, integer)
  to service_role;

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
     where b.updated_ms < floor(
       extract(epoch from pg_catalog.clock_timestamp() - older_than) * 1000
     )::bigint
    returning 1
  )
  select pg_catalog.count(*) from gone
$$;
revoke execute on function ratelimit.purge(interval) from public;
grant execute on function ratelimit.purge(interval) to service_role;
