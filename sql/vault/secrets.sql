-- The secrets. `ciphertext` is the AES-256-GCM output with its 16-byte
-- tag appended; `nonce` the 12 random bytes it was made with. The
-- associated data binds each ciphertext to its row's id and key_version,
-- so a ciphertext moved to another row or relabelled fails to decrypt.
-- The index on (key_version, id) lets re-encryption find old rows fast.

create table if not exists vault.secrets (
  id uuid primary key,
  name text not null unique check (name <> ''),
  description text,
  ciphertext bytea not null check (octet_length(ciphertext) >= 16),
  nonce bytea not null check (octet_length(nonce) = 12),
  key_version integer not null references vault.keys (version),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index if not exists secrets_key_version_id
  on vault.secrets (key_version, id);

select vault.protect('vault.secrets');
grant select, insert, update, delete on vault.secrets to service_role;
