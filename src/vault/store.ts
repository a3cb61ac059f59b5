import { randomUUID } from 'node:crypto';

import type { KeyWrapper, ResolvedKeys } from '../config/keys.ts';
import { resolveKeys } from '../config/keys.ts';
import type { EncryptionConfig } from '../config/schema.ts';
import type { Database, Queryable } from '../db/shared.ts';
import type { Sealed, SecretValue } from './cipher.ts';
import {
  KeyStateError,
  KeyUnavailableError,
  SecretNotFoundError,
  VaultMissingError,
} from './errors.ts';
import { Keyring } from './keyring.ts';
import { checkNames } from './names.ts';
import {
  activateKey,
  checkEncryptable,
  checkFingerprint,
  compromisedError,
  keyRecord,
  keyRecords,
  loadWrappedKeys,
  registerKey,
} from './registry.ts';

/** A secret as `list()` shows it: everything but the value. */
export interface SecretInfo {
  id: string;
  name: string;
  description: string | null;
  keyVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OpenVaultOptions {
  db: Database;
  /** `security.encryption` of the configuration. */
  config?: EncryptionConfig;
  /** Keys already resolved (else resolved from `config`). */
  keys?: ResolvedKeys;
  env?: NodeJS.ProcessEnv;
  /** Compare every configured key with vault.keys now (default true). */
  verify?: boolean;
  /** Who acts, for vault.events (default: the database role). */
  actor?: string;
}

interface SecretRow {
  id: string;
  name: string;
  ciphertext: Uint8Array;
  nonce: Uint8Array;
  key_version: number;
}

const UNIQUE_VIOLATION = '23505';

/** bytea as hex text, which both drivers pass inside arrays alike. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(
    'hex',
  );
}

/** A row's ciphertext and nonce as Buffers. */
export function sealedOf(row: { ciphertext: Uint8Array; nonce: Uint8Array }) {
  return {
    ciphertext: Buffer.from(row.ciphertext),
    nonce: Buffer.from(row.nonce),
  } satisfies Sealed;
}

/**
 * Secrets for a backend: encrypted in this process with the active key
 * version, stored in vault.secrets; the database sees only ciphertext.
 *
 * @example
 * const vault = await openVault({ db, config: config.security.encryption });
 * await vault.put('stripe_key', 'sk_live_…', { description: 'payments' });
 * await vault.get('stripe_key'); // 'sk_live_…'
 */
export class Vault {
  readonly db: Database;
  readonly keyring: Keyring;
  readonly actor: string | undefined;
  readonly #wrapper: KeyWrapper | undefined;
  #ready: Promise<number> | undefined;
  #loaded: Promise<void> | undefined;

  constructor(
    db: Database,
    keyring: Keyring,
    options: { wrapper?: KeyWrapper; actor?: string } = {},
  ) {
    this.db = db;
    this.keyring = keyring;
    this.#wrapper = options.wrapper;
    this.actor = options.actor;
  }

  /**
   * Stores `value` under `name`, replacing any earlier value; a bad
   * name throws SecretNameError before anything is written.
   *
   * @example
   * await vault.put('github_token', 'ghp_…');
   */
  async put(
    name: string,
    value: SecretValue,
    options: { description?: string } = {},
  ): Promise<SecretInfo> {
    checkNames([name]);
    const version = await this.activeVersion();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) =>
          this.#putIn(tx, name, value, version, options.description),
        );
      } catch (error) {
        if (!isUnique(error) || attempt >= 3) throw error;
      }
    }
  }

  /**
   * Stores many secrets in batches, each batch one transaction. Every
   * name is checked first: one bad name and nothing is stored.
   *
   * @example
   * await vault.import({ a: '1', b: '2' }, { batchSize: 500 });
   */
  async import(
    entries: Record<string, SecretValue> | Iterable<[string, SecretValue]>,
    options: { batchSize?: number; onBatch?: (done: number) => void } = {},
  ): Promise<{ created: number; updated: number }> {
    const list = Symbol.iterator in entries ? [...entries] : toPairs(entries);
    checkNames(list.map(([name]) => name));
    const size = options.batchSize ?? 500;
    const version = await this.activeVersion();
    const total = { created: 0, updated: 0 };
    for (let start = 0; start < list.length; start += size) {
      const batch = list.slice(start, start + size);
      const done = await this.#importBatch(batch, version);
      total.created += done.created;
      total.updated += done.updated;
      options.onBatch?.(start + batch.length);
    }
    return total;
  }

  /**
   * The value of a secret; throws SecretNotFoundError, DecryptionError or
   * KeyUnavailableError, never returns a wrong plaintext.
   *
   * @example
   * const token = await vault.get('github_token');
   */
  async get(name: string): Promise<SecretValue> {
    await this.ready();
    const { rows } = await this.db.query<SecretRow>(
      `select id, name, ciphertext, nonce, key_version
       from vault.secrets where name = $1`,
      [name],
    );
    const row = rows[0];
    if (!row) throw new SecretNotFoundError(name);
    const ref = { id: row.id, name, version: Number(row.key_version) };
    return this.keyring.open(ref, sealedOf(row));
  }

  /**
   * Every secret's name and metadata, by name; no values.
   *
   * @example
   * for (const s of await vault.list()) console.log(s.name, s.keyVersion);
   */
  async list(): Promise<SecretInfo[]> {
    const { rows } = await this.db.query<InfoRow>(
      `select ${INFO_COLUMNS} from vault.secrets order by name`,
    );
    return rows.map(toInfo);
  }

  /**
   * Deletes a secret; false when there was none of that name.
   *
   * @example
   * await vault.delete('old_token'); // true
   */
  async delete(name: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'delete from vault.secrets where name = $1',
      [name],
    );
    return rowCount > 0;
  }

  /**
   * Loads wrapped KMS data keys and compares every configured key with
   * its record in vault.keys, once; a mismatch throws KeyMismatchError.
   */
  ready(): Promise<number> {
    this.#ready ??= this.#prepare();
    return this.#ready;
  }

  /**
   * The version that encrypts, checked and recorded in vault.keys before
   * its first use; refused when it is compromised or has no key.
   */
  async activeVersion(): Promise<number> {
    await this.ready();
    const version = this.keyring.active;
    if (version === undefined) {
      throw new KeyStateError(
        'no encryption key is configured: set security.encryption.keys (generate one with fluxbase-cli keys generate)',
      );
    }
    await this.ensureEncryptable(version);
    return version;
  }

  /**
   * Records `version` in vault.keys if new (with KMS: generates its data
   * key), refuses it if compromised, and activates it when it is the
   * configured active version.
   */
  async ensureEncryptable(version: number): Promise<void> {
    await this.ready();
    const record =
      (await keyRecord(this.db, version)) ?? (await this.#register(version));
    checkFingerprint(this.keyring, record);
    checkEncryptable(record);
    if (!this.keyring.has(version)) {
      throw new KeyUnavailableError(version, 'encrypting');
    }
    if (record.state !== 'active' && version === this.keyring.active) {
      await this.db.transaction((tx) => activateKey(tx, version, this.actor));
    }
  }

  /**
   * With KMS: unwraps the data keys recorded in vault.keys, once, without
   * comparing anything (the audit reports what `ready()` would refuse).
   */
  loadKeys(): Promise<void> {
    this.#loaded ??= this.#load();
    return this.#loaded;
  }

  async #load(): Promise<void> {
    await assertInstalled(this.db);
    if (!this.#wrapper) return;
    await loadWrappedKeys(this.db, this.keyring, this.#wrapper);
    const highest = this.keyring.versions().at(-1);
    if (this.keyring.active === undefined) {
      this.keyring.setActive(highest ?? 1);
    }
  }

  async #prepare(): Promise<number> {
    await assertInstalled(this.db);
    await this.loadKeys();
    for (const record of await keyRecords(this.db)) {
      checkFingerprint(this.keyring, record);
    }
    return this.keyring.active ?? 0;
  }

  async #register(version: number) {
    const wrapper = this.#wrapper;
    if (!wrapper || this.keyring.has(version)) {
      if (!this.keyring.has(version)) {
        throw new KeyUnavailableError(version, 'encrypting');
      }
      return registerKey(this.db, this.keyring, version, {
        actor: this.actor,
      });
    }
    const { plaintext, wrapped } = await wrapper.generate();
    const mine = new Keyring([[version, plaintext]]);
    const record = await registerKey(this.db, mine, version, {
      wrapped,
      kmsKeyId: wrapper.keyId,
      actor: this.actor,
    }).catch(() => keyRecord(this.db, version));
    // Another process may have recorded this version first: use its key.
    const won = record?.fingerprint === mine.fingerprint(version);
    const theirs = record?.wrappedKey;
    const key = won ? plaintext : theirs && (await wrapper.unwrap(theirs));
    if (!key || !record) throw new KeyUnavailableError(version, 'encrypting');
    this.keyring.add(version, key);
    return record;
  }

  async #putIn(
    tx: Queryable,
    name: string,
    value: SecretValue,
    version: number,
    description: string | undefined,
  ): Promise<SecretInfo> {
    await lockVersion(tx, version);
    const { rows } = await tx.query<{ id: string }>(
      'select id from vault.secrets where name = $1 for update',
      [name],
    );
    const id = rows[0]?.id ?? randomUUID();
    const sealed = this.keyring.seal({ id, name, version }, value);
    const params = [id, name, description ?? null, sealed.ciphertext];
    const result = await tx.query<InfoRow>(
      rows[0]
        ? `update vault.secrets set ciphertext = $4, nonce = $5,
             key_version = $6, description = coalesce($3, description),
             updated_at = now()
           where id = $1 and name = $2 returning ${INFO_COLUMNS}`
        : `insert into vault.secrets
             (id, name, description, ciphertext, nonce, key_version)
           values ($1, $2, $3, $4, $5, $6) returning ${INFO_COLUMNS}`,
      [...params, sealed.nonce, version],
    );
    return toInfo(result.rows[0]!);
  }

  async #importBatch(batch: [string, SecretValue][], version: number) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) =>
          this.#importIn(tx, batch, version),
        );
      } catch (error) {
        if (!isUnique(error) || attempt >= 3) throw error;
      }
    }
  }

  async #importIn(
    tx: Queryable,
    batch: [string, SecretValue][],
    version: number,
  ) {
    await lockVersion(tx, version);
    const names = batch.map(([name]) => name);
    const { rows } = await tx.query<{ id: string; name: string }>(
      'select id, name from vault.secrets where name = any($1::text[]) for update',
      [names],
    );
    const existing = new Map(rows.map((r) => [r.name, r.id]));
    const fresh = { id: [], name: [], c: [], n: [] } as Columns;
    const old = { id: [], name: [], c: [], n: [] } as Columns;
    for (const [name, value] of batch) {
      const id = existing.get(name) ?? randomUUID();
      const sealed = this.keyring.seal({ id, name, version }, value);
      const into = existing.has(name) ? old : fresh;
      into.id.push(id);
      into.name.push(name);
      into.c.push(hex(sealed.ciphertext));
      into.n.push(hex(sealed.nonce));
    }
    if (fresh.id.length > 0) await insertMany(tx, fresh, version);
    if (old.id.length > 0) await updateMany(tx, old, version);
    return { created: fresh.id.length, updated: old.id.length };
  }
}

interface Columns {
  id: string[];
  name: string[];
  c: string[];
  n: string[];
}

function insertMany(tx: Queryable, cols: Columns, version: number) {
  return tx.query(
    `insert into vault.secrets (id, name, ciphertext, nonce, key_version)
     select u.id, u.name, pg_catalog.decode(u.c, 'hex'),
            pg_catalog.decode(u.n, 'hex'), $5
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
       as u(id, name, c, n)`,
    [cols.id, cols.name, cols.c, cols.n, version],
  );
}

function updateMany(tx: Queryable, cols: Columns, version: number) {
  return tx.query(
    `update vault.secrets s
     set ciphertext = pg_catalog.decode(u.c, 'hex'),
         nonce = pg_catalog.decode(u.n, 'hex'),
         key_version = $4, updated_at = pg_catalog.now()
     from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, c, n)
     where s.id = u.id`,
    [cols.id, cols.c, cols.n, version],
  );
}

/**
 * Holds a share lock on the version's key row for the transaction and
 * refuses it if a rollback marked it compromised meanwhile.
 */
async function lockVersion(tx: Queryable, version: number): Promise<void> {
  const { rows } = await tx.query<{ state: string }>(
    'select state from vault.keys where version = $1 for share',
    [version],
  );
  if (rows[0]?.state === 'compromised') throw compromisedError(version);
}

/** Refuses a database where the pack's vault migration never ran. */
async function assertInstalled(db: Database): Promise<void> {
  const { rows } = await db.query<{ found: string | null }>(
    `select pg_catalog.to_regclass('vault.secrets')::text as found`,
  );
  if (!rows[0]?.found) throw new VaultMissingError(db.label);
}

function isUnique(error: unknown): boolean {
  return (error as { sqlState?: string }).sqlState === UNIQUE_VIOLATION;
}

function toPairs(
  entries: Record<string, SecretValue>,
): [string, SecretValue][] {
  return Object.entries(entries);
}

interface InfoRow {
  id: string;
  name: string;
  description: string | null;
  key_version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const INFO_COLUMNS =
  'id, name, description, key_version, created_at, updated_at';

function toInfo(row: InfoRow): SecretInfo {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    keyVersion: Number(row.key_version),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * Opens the vault: resolves the keys of `security.encryption` (file,
 * environment, HashiCorp Vault, or KMS data keys), then compares every
 * configured key with vault.keys before anything is read or written.
 *
 * @example
 * const vault = await openVault({ db, config: config.security.encryption });
 */
export async function openVault(options: OpenVaultOptions): Promise<Vault> {
  const keys =
    options.keys ??
    (await resolveKeys(options.config ?? defaultEncryption(), {
      env: options.env,
    }));
  const ring = new Keyring(keys.keys, keys.active);
  const vault = new Vault(options.db, ring, {
    wrapper: keys.wrapper,
    actor: options.actor,
  });
  if (options.verify !== false) await vault.ready();
  return vault;
}

function defaultEncryption(): EncryptionConfig {
  return { provider: 'local', keys: [] } as EncryptionConfig;
}
