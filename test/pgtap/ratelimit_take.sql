-- ratelimit.take(), purge() and check() as SQL callers see them. The
-- clock is replaced for the length of the transaction so that the
-- figures are exact.
begin;
create or replace function ratelimit.clock_ms() returns bigint
language sql volatile
as $$ select current_setting('test.now_ms')::bigint $$;
select plan(22);

select has_table('ratelimit', 'buckets', 'ratelimit.buckets exists');
select is(
  (select relpersistence from pg_catalog.pg_class
    where oid = 'ratelimit.buckets'::regclass),
  'u'::"char", 'ratelimit.buckets is UNLOGGED');
select is(
  (select relrowsecurity and relforcerowsecurity from pg_catalog.pg_class
    where oid = 'ratelimit.buckets'::regclass),
  true, 'ratelimit.buckets has RLS enabled and forced');

select set_config('test.now_ms', '1000', true);
select results_eq(
  $$select * from ratelimit.take('t:a', 3, '1 minute', 2)$$,
  $$values (true, 1, 0::bigint, 40000::bigint)$$,
  'a new bucket starts full and spends the cost');
select set_config('test.now_ms', '1000', true);
select results_eq(
  $$select * from ratelimit.take('t:a', 3, '1 minute', 2)$$,
  $$values (false, 1, 20000::bigint, 40000::bigint)$$,
  'a cost above what is left is refused with the wait for the missing token');
select set_config('test.now_ms', '21000', true);
select results_eq(
  $$select * from ratelimit.take('t:a', 3, '1 minute', 2)$$,
  $$values (true, 0, 0::bigint, 60000::bigint)$$,
  'twenty seconds refill one token of three a minute');
select set_config('test.now_ms', '999999', true);
select results_eq(
  $$select * from ratelimit.take('t:a', 3, '1 minute', 1)$$,
  $$values (true, 2, 0::bigint, 20000::bigint)$$,
  'a long idle bucket is full again, never fuller');
select set_config('test.now_ms', '5', true);
select results_eq(
  $$select * from ratelimit.take('t:a', 3, '1 minute', 1)$$,
  $$values (true, 1, 0::bigint, 40000::bigint)$$,
  'a clock that goes back refills nothing');

select set_config('test.now_ms', '1000', true);
select results_eq(
  $$select * from ratelimit.take('t:odd', 7, '1 second', 3)$$,
  $$values (true, 4, 0::bigint, 429::bigint)$$,
  'the reset time rounds up when the capacity does not divide the period');
select is(
  (select p.prorettype::regtype::text from pg_catalog.pg_proc as p
    where p.oid = 'ratelimit.take(text, integer, interval, integer)'
      ::regprocedure),
  'ratelimit.decision', 'take() returns a ratelimit.decision');

select throws_ok(
  $$select * from ratelimit.take(null, 3, '1 minute')$$,
  '22004', 'ratelimit.take: key must not be null',
  'a null key is an error');
select throws_ok(
  $$select * from ratelimit.take('t:b', null, '1 minute')$$,
  '22023', 'ratelimit.take: capacity must be at least 1',
  'a null capacity is an error');
select throws_ok(
  $$select * from ratelimit.take('t:b', 3, '0.4 ms')$$,
  '22023', 'ratelimit.take: period must be at least 1 millisecond',
  'a period under a millisecond is an error');
select throws_ok(
  $$select * from ratelimit.take('t:b', 3, '1 minute', 0)$$,
  '22023', 'ratelimit.take: cost must be between 1 and the capacity (3)',
  'a cost of zero is an error');
select throws_ok(
  $$select * from ratelimit.take('t:b', 3, '1 minute', null)$$,
  '22023', 'ratelimit.take: cost must be between 1 and the capacity (3)',
  'a null cost is an error');
select throws_ok(
  $$select * from ratelimit.take('t:b', 3, '1 minute', 4)$$,
  '22023', 'ratelimit.take: cost must be between 1 and the capacity (3)',
  'a cost above the capacity is an error');
select throws_ok(
  $$select * from ratelimit.take('t:b', 0, '1 minute')$$,
  '22023', 'ratelimit.take: capacity must be at least 1',
  'a capacity of zero is an error');
select set_config('test.now_ms',
  floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text, true);
select is(
  (select allowed from ratelimit.take('t:c', 1, '1 hour')), true,
  'take() takes from a new bucket');

select is(ratelimit.purge('1 hour'), 2::bigint,
  'purge() drops the buckets untouched for longer than the interval (t:a, t:odd)');

select set_config('request.headers',
  '{"x-forwarded-for": "203.0.113.7, 10.0.0.1"}', true);
select is(ratelimit.client_address(), '203.0.113.7',
  'the client address is the first X-Forwarded-For entry');
select lives_ok('select ratelimit.check()', 'check() admits a first request');
select set_config('request.headers', '', true);
select is(ratelimit.client_address(), null,
  'an empty request.headers gives no address, not an error');

select * from finish();
rollback;
