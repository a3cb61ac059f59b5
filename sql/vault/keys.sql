-- One row per key version. `fingerprint` is the HMAC-SHA256 of a fixed
-- label under the key: it tells whether a configured key is the one that
-- encrypted the secrets without revealing it. With the aws_kms provider
-- `wrapped_key` holds the version's data key as KMS encrypted it (it can
-- only be read back through KMS). `state`: active (encrypts new secrets),
-- decrypt_only (older, still read), retired (no secret uses it any more),
-- compromised (abandoned by a rollback: never encrypts again).

create table if not exists vault.keys (
  version integer primary key check (version >= 1),
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  state text not null default 'active'
    check (state in ('active', 'decrypt_only', 'retired', 'compromised')),
  wrapped_key bytea,
  kms_key_id text,
  created_at timestamptz not null default now(),
  state_changed_at timestamptz not null default now()
);

select vault.protect('vault.keys');
grant select, insert, update on vault.keys to service_role;
