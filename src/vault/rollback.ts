import { KeyStateError, NothingToRollBackError } from './errors.ts';
import {
  activateKey,
  checkEncryptable,
  keyRecord,
  keyRecords,
  recordEvent,
  setKeyState,
} from './registry.ts';
import {
  type ReEncryptOptions,
  type ReEncryptResult,
  reEncrypt,
} from './rotation.ts';
import type { Vault } from './store.ts';

export interface RollbackOptions
  extends Pick<ReEncryptOptions, 'batchSize' | 'concurrency' | 'signal'> {
  toVersion: number;
  /** Why, recorded in vault.events. */
  reason: string;
  onProgress?: ReEncryptOptions['onProgress'];
}

export interface RollbackResult {
  toVersion: number;
  /** Newer versions abandoned: compromised, never to encrypt again. */
  compromised: number[];
  /** One re-encryption per abandoned version that still had secrets. */
  runs: ReEncryptResult[];
  /** Secrets still not at `toVersion` (they did not decrypt). */
  remaining: number;
  /** What to change in fluxbase.yaml now (empty when nothing). */
  configChange: string[];
}

async function versionsInUse(vault: Vault): Promise<number[]> {
  const { rows } = await vault.db.query<{ key_version: number }>(
    'select distinct key_version from vault.secrets order by key_version',
  );
  return rows.map((r) => Number(r.key_version));
}

async function abandoned(vault: Vault, to: number): Promise<number[]> {
  const found = new Set(await versionsInUse(vault));
  for (const record of await keyRecords(vault.db)) {
    if (record.state === 'active') found.add(record.version);
  }
  const active = vault.keyring.active;
  if (active !== undefined && active > to) found.add(active);
  found.delete(to);
  return [...found].sort((a, b) => a - b);
}

/** The changes still to make: none is printed that is already in effect. */
function configChange(vault: Vault, to: number, versions: number[]): string[] {
  const lines =
    vault.keyring.active === to
      ? []
      : [`security.encryption.active_key_version: ${to}`];
  for (const v of versions) {
    lines.push(
      `remove key version ${v} from security.encryption.keys (and FLUXBASE_SECRET_KEY_${v}): it is compromised and never encrypts again`,
    );
  }
  return lines;
}

async function checkTarget(vault: Vault, to: number): Promise<void> {
  if (!vault.keyring.has(to)) {
    throw new KeyStateError(
      `key version ${to} is not configured: add it back to security.encryption.keys to roll back to it`,
    );
  }
  const record = await keyRecord(vault.db, to);
  if (record) checkEncryptable(record);
}

/**
 * The emergency procedure: re-encrypts every secret back to `toVersion`,
 * marks each newer, abandoned version compromised (so it never encrypts
 * again), makes `toVersion` active and records the reason. Secrets of an
 * older version move to `toVersion` too, and that version is retired.
 * Throws NothingToRollBackError when `toVersion` is already the active
 * version and every secret uses it.
 *
 * @example
 * const result = await rollback(vault, { toVersion: 1, reason: 'key leaked' });
 * result.configChange; // ['security.encryption.active_key_version: 1', …]
 */
export async function rollback(
  vault: Vault,
  options: RollbackOptions,
): Promise<RollbackResult> {
  await vault.ready();
  const to = options.toVersion;
  await checkTarget(vault, to);
  const versions = await abandoned(vault, to);
  if (versions.length === 0 && vault.keyring.active === to) {
    throw new NothingToRollBackError(to);
  }
  await vault.ensureEncryptable(to);
  const compromised = versions.filter((v) => v > to);
  await markAbandoned(vault, to, compromised, options.reason);

  const runs = await moveBack(vault, options, versions);
  for (const older of versions.filter((v) => v < to)) {
    if ((await countAt(vault, older)) > 0) continue;
    await setKeyState(vault.db, older, 'retired', { actor: vault.actor });
  }
  const { rows } = await vault.db.query<{ n: string }>(
    'select count(*) as n from vault.secrets where key_version <> $1',
    [to],
  );
  return {
    toVersion: to,
    compromised,
    runs,
    remaining: Number(rows[0]!.n),
    configChange: configChange(vault, to, compromised),
  };
}

/** Marks the newer versions compromised and `to` active, in one go. */
async function markAbandoned(
  vault: Vault,
  to: number,
  compromised: number[],
  reason: string,
): Promise<void> {
  const actor = vault.actor;
  await vault.db.transaction(async (tx) => {
    for (const v of compromised) {
      await setKeyState(tx, v, 'compromised', { reason, actor });
    }
    await activateKey(tx, to, actor);
    await recordEvent(tx, {
      kind: 'rollback',
      version: to,
      reason,
      actor,
      detail: { compromised },
    });
  });
}

/** Re-encrypts the secrets of every other version to the target. */
async function moveBack(
  vault: Vault,
  options: RollbackOptions,
  versions: number[],
): Promise<ReEncryptResult[]> {
  const runs: ReEncryptResult[] = [];
  const inUse = new Set(await versionsInUse(vault));
  for (const from of versions) {
    if (!inUse.has(from) || !vault.keyring.has(from)) continue;
    const run = await reEncrypt(vault, {
      ...options,
      fromVersion: from,
      toVersion: options.toVersion,
      kind: 'rollback',
    });
    runs.push(run);
    if (run.interrupted) break;
  }
  return runs;
}

async function countAt(vault: Vault, version: number): Promise<number> {
  const { rows } = await vault.db.query<{ n: string }>(
    'select count(*) as n from vault.secrets where key_version = $1',
    [version],
  );
  return Number(rows[0]!.n);
}
