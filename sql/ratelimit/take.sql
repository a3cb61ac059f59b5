-- ratelimit.take(), as fast as one cached statement can make it. This
-- replaces the take() of buckets.sql with the same arguments, the same
-- columns, the same bucket arithmetic and the same decisions, in fewer
-- expression nodes: the executor builds every node of the statement again
-- on each call, so each one removed is time saved per request.
--
-- Takes `cost` tokens from the bucket `key`, on the database's clock. The
-- row is decided and recorded by one INSERT ... ON CONFLICT DO UPDATE ...
-- WHERE: the UPDATE runs only when the refilled bucket holds `cost` tokens,
-- on the row as it is once its lock is held, so concurrent callers never
-- both spend the same token. A refused call writes nothing; its figures are
-- read afterwards and only inform the caller.
--
-- In units of 1/ms of a token (ms: the period in milliseconds), a full
-- bucket holds capacity * ms and a call needs cost * ms. The VALUES row
-- carries full - need as excluded.tokens, so the UPDATE can write
-- least(full, refilled) - need as least(excluded.tokens, refilled - need).
-- The reset time, ceil((full - tokens) / capacity), is ms - tokens /
-- capacity in whole numbers.
--
-- One row of the composite type ratelimit.decision rather than RETURNS
-- TABLE: `select * from ratelimit.take(...)` gives the same columns, and
-- without a set-returning function `select ratelimit.take(...)` needs no
-- function scan. A named type is also a twentieth faster than OUT
-- parameters, whose row type is made anew for every call.
--
-- SECURITY INVOKER on purpose: it is called per request, and a SECURITY
-- DEFINER function with a pinned search_path costs a fifth of the
-- throughput. Only service_role (and the owner) may call it, and only they
-- hold privileges on the table; ratelimit.check() is the way in for anon
-- and authenticated.
create type ratelimit.decision as (
  allowed boolean,
  remaining integer,
  retry_after_ms bigint,
  reset_ms bigint
);

drop function ratelimit.take(text, integer, interval, integer);
create function ratelimit.take(
  key text,
  capacity integer,
  period interval,
  cost integer default 1
) returns ratelimit.decision
language plpgsql volatile
as $$
declare
  d ratelimit.decision;
  ms bigint :=
    pg_catalog.round(pg_catalog.date_part('epoch', period) * 1000)::bigint;
begin
  -- IS NOT TRUE: a null argument is refused too. refuse() names it.
  if (cost between 1 and capacity and ms >= 1 and take.key is not null)
     is not true then
    perform ratelimit.refuse(take.key, capacity, ms, cost);
  end if;

  -- The time is read once, in VALUES; the UPDATE sees it as
  -- excluded.updated_ms.
  insert into ratelimit.buckets as b (key, tokens, updated_ms)
  values (take.key, (capacity - cost) * ms, ratelimit.clock_ms())
  on conflict on constraint buckets_pkey do update
    set tokens = least(
          excluded.tokens,
          b.tokens
            + least(greatest(excluded.updated_ms - b.updated_ms, 0), ms)
            * capacity
            - cost * ms),
        updated_ms = greatest(b.updated_ms, excluded.updated_ms)
    where b.tokens
        + least(greatest(excluded.updated_ms - b.updated_ms, 0), ms)
        * capacity >= cost * ms
  returning true, (b.tokens / ms)::integer, 0::bigint,
    ms - b.tokens / capacity
  into d;

  if not found then
    select false, (s.units / ms)::integer,
           (cost * ms - s.units + capacity - 1) / capacity,
           ms - s.units / capacity
      into d
      from (
        select coalesce(
          (select least(
             capacity * ms,
             b.tokens
               + least(greatest(ratelimit.clock_ms() - b.updated_ms, 0), ms)
               * capacity)
             from ratelimit.buckets as b
            where b.key = take.key),
          capacity * ms) as units
      ) as s;
  end if;
  return d;
end
$$;
revoke execute on function ratelimit.take(text, integer, interval, integer)
  from public;
grant execute on function ratelimit.take(text, integer, interval, integer)
  to service_role;
