import type { KeyWrapper } from '../config/keys.ts';
import type { Queryable } from '../db/shared.ts';
import { KeyMismatchError, KeyStateError } from './errors.ts';
import type { Keyring } from './keyring.ts';

/** The states of a key version (the `vault.keys.state` column). */
export type KeyState = 'active' | 'decrypt_only' | 'retired' | 'compromised';

/** One row of vault.keys. */
export interface KeyRecord {
  version: number;
  fingerprint: string;
  state: KeyState;
  wrappedKey: Buffer | undefined;
  createdAt: Date;
  stateChangedAt: Date;
}

interface KeyRow {
  version: number;
  fingerprint: string;
  state: KeyState;
  wrapped_key: Uint8Array | null;
  created_at: Date | string;
  state_changed_at: Date | string;
}

const KEY_COLUMNS =
  'version, fingerprint, state, wrapped_key, created_at, state_changed_at';

function toRecord(row: KeyRow): KeyRecord {
  return {
    version: Number(row.version),
    fingerprint: row.fingerprint,
    state: row.state,
    wrappedKey: row.wrapped_key ? Buffer.from(row.wrapped_key) : undefined,
    createdAt: new Date(row.created_at),
    stateChangedAt: new Date(row.state_changed_at),
  };
}

/**
 * Every key version recorded in vault.keys, ascending.
 *
 * @example
 * const keys = await keyRecords(db);
 */
export async function keyRecords(q: Queryable): Promise<KeyRecord[]> {
  const { rows } = await q.query<KeyRow>(
    `select ${KEY_COLUMNS} from vault.keys order by version`,
  );
  return rows.map(toRecord);
}

/**
 * One version's record, or undefined when it was never used.
 *
 * @example
 * (await keyRecord(db, 2))?.state; // 'active'
 */
export async function keyRecord(
  q: Queryable,
  version: number,
): Promise<KeyRecord | undefined> {
  const { rows } = await q.query<KeyRow>(
    `select ${KEY_COLUMNS} from vault.keys where version = $1`,
    [version],
  );
  return rows[0] && toRecord(rows[0]);
}

/** Something that happened to a key or a rotation, for vault.events. */
export interface VaultEvent {
  kind: string;
  version?: number | undefined;
  jobId?: number | undefined;
  reason?: string | undefined;
  actor?: string | undefined;
  detail?: Record<string, unknown>;
}

/**
 * Appends an event to vault.events.
 *
 * @example
 * await recordEvent(db, { kind: 'key_compromised', version: 2, reason });
 */
export async function recordEvent(q: Queryable, event: VaultEvent) {
  await q.query(
    `insert into vault.events (kind, key_version, job_id, reason, actor, detail)
     values ($1, $2, $3, $4, coalesce($5, current_user), $6::jsonb)`,
    [
      event.kind,
      event.version ?? null,
      event.jobId ?? null,
      event.reason ?? null,
      event.actor ?? null,
      JSON.stringify(event.detail ?? {}),
    ],
  );
}

/** Refuses a configured key whose fingerprint differs from the record. */
export function checkFingerprint(ring: Keyring, record: KeyRecord): void {
  const mine = ring.fingerprint(record.version);
  if (mine !== undefined && mine !== record.fingerprint) {
    throw new KeyMismatchError(record.version);
  }
}

/** The refusal to encrypt with a compromised version. */
export function compromisedError(version: number): KeyStateError {
  return new KeyStateError(
    `key version ${version} is marked compromised and never encrypts again: set security.encryption.active_key_version to another version (see keys status)`,
  );
}

/** Refuses to encrypt with a compromised version. */
export function checkEncryptable(record: KeyRecord): void {
  if (record.state === 'compromised') throw compromisedError(record.version);
}

/**
 * Records a version the first time it encrypts (fingerprint, and with KMS
 * the wrapped data key). Two processes doing it at once agree: the first
 * row wins and the other compares against it.
 */
export async function registerKey(
  q: Queryable,
  ring: Keyring,
  version: number,
  options: { wrapped?: Buffer; kmsKeyId?: string; actor?: string } = {},
): Promise<KeyRecord> {
  const { rowCount } = await q.query(
    `insert into vault.keys (version, fingerprint, state, wrapped_key, kms_key_id)
     values ($1, $2, 'decrypt_only', $3, $4)
     on conflict (version) do nothing`,
    [
      version,
      ring.fingerprint(version),
      options.wrapped ?? null,
      options.kmsKeyId ?? null,
    ],
  );
  if (rowCount === 1) {
    await recordEvent(q, {
      kind: 'key_registered',
      version,
      actor: options.actor,
    });
  }
  const record = (await keyRecord(q, version))!;
  checkFingerprint(ring, record);
  return record;
}

/**
 * Sets a version's state (and records the change) when it differs.
 * Compromised is final: such a version never changes state again.
 */
export async function setKeyState(
  q: Queryable,
  version: number,
  state: KeyState,
  event: Omit<VaultEvent, 'kind' | 'version'> = {},
): Promise<void> {
  const { rowCount } = await q.query(
    `update vault.keys set state = $2, state_changed_at = now()
     where version = $1 and state <> $2 and state <> 'compromised'`,
    [version, state],
  );
  if (rowCount === 0) return;
  await recordEvent(q, {
    ...event,
    kind: `key_${state}`,
    version,
    detail: { state, ...event.detail },
  });
}

/**
 * Makes `version` the one active version: any other active one becomes
 * decrypt_only.
 */
export async function activateKey(
  q: Queryable,
  version: number,
  actor?: string,
): Promise<void> {
  const { rows } = await q.query<{ version: number }>(
    `select version from vault.keys
     where state = 'active' and version <> $1`,
    [version],
  );
  for (const row of rows) {
    await setKeyState(q, Number(row.version), 'decrypt_only', { actor });
  }
  await setKeyState(q, version, 'active', { actor });
}

/**
 * With a KMS wrapper: unwraps every data key recorded in vault.keys into
 * the keyring (one Decrypt each, once at start).
 */
export async function loadWrappedKeys(
  q: Queryable,
  ring: Keyring,
  wrapper: KeyWrapper,
): Promise<void> {
  for (const record of await keyRecords(q)) {
    if (!record.wrappedKey || ring.has(record.version)) continue;
    ring.add(record.version, await wrapper.unwrap(record.wrappedKey));
  }
}
