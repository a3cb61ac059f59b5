-- The rls helpers on hostile identifiers: quotes, spaces, capitals and
-- non-ASCII letters in schema, table and column names.
begin;
select plan(17);

create schema "Hostile ""Schema"" é";
create table "Hostile ""Schema"" é"."Tä ble ""x""" (
  id int, "Ow ner ""é""" uuid, "Ténant" uuid, label text);

select lives_ok(
  $$select rls.owner_policies('"Hostile ""Schema"" é"."Tä ble ""x"""', 'Ow ner "é"')$$,
  'owner_policies takes a hostile table and column');
select lives_ok(
  $$select rls.owner_policies('"Hostile ""Schema"" é"."Tä ble ""x"""', 'Ow ner "é"')$$,
  'owner_policies runs again and replaces its policies');
select policies_are('Hostile "Schema" é', 'Tä ble "x"',
  array['owner_select', 'owner_insert', 'owner_update', 'owner_delete'],
  'owner_policies makes four policies with fixed names');
select policy_cmd_is('Hostile "Schema" é', 'Tä ble "x"', 'owner_update',
  'update', 'owner_update is for UPDATE');
select policy_roles_are('Hostile "Schema" é', 'Tä ble "x"', 'owner_select',
  array['authenticated'], 'owner_select is for authenticated');
select is(
  (select pg_get_expr(polwithcheck, polrelid) from pg_policy
    where polname = 'owner_update'
      and polrelid = '"Hostile ""Schema"" é"."Tä ble ""x"""'::regclass),
  '("Ow ner ""é""" = ( SELECT auth.uid() AS uid))',
  'owner_update has a WITH CHECK on the owner column, uid in a sub-select');
select ok(
  (select relrowsecurity and relforcerowsecurity from pg_class
    where oid = '"Hostile ""Schema"" é"."Tä ble ""x"""'::regclass),
  'RLS is enabled and forced');
select is(
  (select count(*)::int from pg_index
    where indrelid = '"Hostile ""Schema"" é"."Tä ble ""x"""'::regclass),
  1, 'one index on the owner column, made once');

select lives_ok(
  $$select rls.tenant_policies('"Hostile ""Schema"" é"."Tä ble ""x"""', 'Ténant', 'org "id"')$$,
  'tenant_policies takes a hostile column and claim');
select is(
  (select polpermissive from pg_policy where polname = 'tenant_isolation'),
  false, 'the tenant policy is RESTRICTIVE');
select is(
  (select pg_get_expr(polqual, polrelid) from pg_policy
    where polname = 'tenant_isolation'),
  '("Ténant" = ( SELECT (NULLIF((auth.jwt() ->> ''org "id"''::text), ''''::text))::uuid AS "nullif"))',
  'the tenant policy compares the column with the claim, cast to its type');

select lives_ok(
  $$select rls.public_read('"Hostile ""Schema"" é"."Tä ble ""x"""')$$,
  'public_read takes a hostile table');
select ok(has_table_privilege('anon',
  '"Hostile ""Schema"" é"."Tä ble ""x"""', 'select'),
  'public_read lets anon select');

select lives_ok(
  $$select rls.service_only('"Hostile ""Schema"" é"."Tä ble ""x"""')$$,
  'service_only takes a hostile table');
select policies_are('Hostile "Schema" é', 'Tä ble "x"', array[]::name[],
  'service_only drops the helpers'' policies');

select throws_ok(
  $$select rls.owner_policies('"Hostile ""Schema"" é"."Tä ble ""x"""', 'label')$$,
  '42804', 'owner column label of "Hostile ""Schema"" é"."Tä ble ""x""" is text, not uuid',
  'an owner column that is not uuid is refused');
select throws_ok(
  $$select rls.owner_policies('"Hostile ""Schema"" é"."Tä ble ""x"""')$$,
  '42703', 'table "Hostile ""Schema"" é"."Tä ble ""x""" has no column user_id',
  'a missing owner column is named');

select * from finish();
rollback;
