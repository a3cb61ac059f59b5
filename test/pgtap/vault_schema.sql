-- The vault schema as the security model relies on it: RLS on every
-- table, nothing for anon or authenticated, checked nonces, an index for
-- re-encryption and an append-only event log.
begin;
select plan(22);

select has_table('vault', 'secrets', 'vault.secrets exists');
select has_table('vault', 'keys', 'vault.keys exists');
select has_table('vault', 'rotation_jobs', 'vault.rotation_jobs exists');
select has_table('vault', 'events', 'vault.events exists');

select is(
  (select count(*)::int from pg_catalog.pg_class c
   join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'vault' and c.relkind = 'r'
     and c.relrowsecurity and c.relforcerowsecurity),
  4, 'every vault table has RLS enabled and forced');

select ok(not has_schema_privilege('anon', 'vault', 'usage'),
  'anon cannot use the vault schema');
select ok(not has_schema_privilege('authenticated', 'vault', 'usage'),
  'authenticated cannot use the vault schema');
select ok(not has_table_privilege('anon', 'vault.secrets',
  'select, insert, update, delete'), 'anon has no privilege on vault.secrets');
select ok(not has_table_privilege('authenticated', 'vault.secrets',
  'select, insert, update, delete'),
  'authenticated has no privilege on vault.secrets');
select ok(not has_table_privilege('authenticated', 'vault.keys',
  'select, insert, update, delete'),
  'authenticated has no privilege on vault.keys');
select ok(not has_table_privilege('anon', 'vault.events', 'select, insert'),
  'anon has no privilege on vault.events');

select has_index('vault', 'secrets', 'secrets_key_version_id',
  array['key_version', 'id'], 'secrets are indexed by (key_version, id)');
select col_is_unique('vault', 'secrets', 'name', 'secret names are unique');
select col_type_is('vault', 'secrets', 'ciphertext', 'bytea',
  'ciphertext is bytea');

insert into vault.keys (version, fingerprint)
values (1, pg_catalog.repeat('ab', 32));

select throws_ok(
  $$insert into vault.secrets (id, name, ciphertext, nonce, key_version)
    values (gen_random_uuid(), 'n', pg_catalog.decode(pg_catalog.repeat('00', 20), 'hex'),
            pg_catalog.decode(pg_catalog.repeat('00', 11), 'hex'), 1)$$,
  '23514', null, 'a nonce that is not 12 bytes is refused');
select lives_ok(
  $$insert into vault.secrets (id, name, ciphertext, nonce, key_version)
    values (gen_random_uuid(), 'ok', pg_catalog.decode(pg_catalog.repeat('00', 20), 'hex'),
            pg_catalog.decode(pg_catalog.repeat('00', 12), 'hex'), 1)$$,
  'a 12-byte nonce is accepted');
select throws_ok(
  $$insert into vault.secrets (id, name, ciphertext, nonce, key_version)
    values (gen_random_uuid(), 'v9', pg_catalog.decode(pg_catalog.repeat('00', 20), 'hex'),
            pg_catalog.decode(pg_catalog.repeat('00', 12), 'hex'), 9)$$,
  '23503', null, 'a secret needs a recorded key version');
select throws_ok(
  $$update vault.keys set state = 'lost' where version = 1$$,
  '23514', null, 'a key state outside the four is refused');

insert into vault.events (kind, reason) values ('test', 'pgtap');
select throws_ok($$delete from vault.events$$, '42501',
  'vault.events is append-only', 'events cannot be deleted');
select throws_ok($$update vault.events set reason = 'x'$$, '42501',
  'vault.events is append-only', 'events cannot be changed');
select throws_ok($$truncate vault.events$$, '42501',
  'vault.events is append-only', 'events cannot be truncated');

select is(
  (select count(*)::int from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'vault'
     and not coalesce(p.proconfig::text like '%search_path=%', false)),
  0, 'every vault function pins search_path');

select * from finish();
rollback;
