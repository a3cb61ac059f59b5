-- The auth context functions, as a policy author relies on them.
begin;
select plan(6);

select has_function('auth', 'uid', 'auth.uid() exists');
select function_returns('auth', 'uid', 'uuid', 'auth.uid() returns uuid');
select is(auth.uid(), null, 'no claims: auth.uid() is NULL');

select set_config('request.jwt.claims',
  '{"sub":"6f1d2c3b-4a59-4e68-9d7c-8b9a0f1e2d3c","role":"authenticated"}', true);
select is(auth.uid(), '6f1d2c3b-4a59-4e68-9d7c-8b9a0f1e2d3c'::uuid,
  'auth.uid() reads sub');
select is(auth.role(), 'authenticated', 'auth.role() reads role');

select set_config('request.jwt.claims', '', true);
select is(auth.uid(), null, 'empty claims: auth.uid() is NULL');

select * from finish();
rollback;
