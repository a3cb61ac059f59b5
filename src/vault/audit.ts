import { DecryptionError } from './errors.ts';
import { type KeyRecord, type KeyState, keyRecords } from './registry.ts';
import { sealedOf, type Vault } from './store.ts';

/** One key version as the audit and `keys status` see it. */
export interface VersionReport {
  version: number;
  secrets: number;
  /** The state in vault.keys, or undefined when never recorded. */
  state: KeyState | undefined;
  /** A key for it is configured in this process. */
  configured: boolean;
  /** It is the configured active version. */
  active: boolean;
  /** The configured key's fingerprint equals the recorded one. */
  fingerprint: 'match' | 'mismatch' | 'unknown';
  createdAt: Date | undefined;
}

export interface AuditOptions {
  /** Audit one version; default: every version but the active one. */
  keyVersion?: number;
  /** Also list the names of the secrets found. */
  verbose?: boolean;
  /** Decrypt every secret with its configured key (default false). */
  decrypt?: boolean;
}

/** What `decrypt` found: secrets checked, and those that failed. */
export interface DecryptCheck {
  /** Secrets decrypted (those of a version with a key configured). */
  checked: number;
  failed: number;
  /** The names of those that failed, with `verbose`. */
  names?: string[];
}

/** A finding at one version, with the names when asked. */
export interface AuditCount {
  version: number;
  count: number;
  names?: string[];
}

export interface AuditResult {
  versions: VersionReport[];
  /** The versions audited and the secrets still at each. */
  audited: AuditCount[];
  /** Secrets at a version with no configured key. */
  unreadable: AuditCount[];
  /** Versions whose configured key is not the one recorded. */
  mismatched: number[];
  /** With `decrypt`: the secrets that do not decrypt. */
  decrypted?: DecryptCheck;
  /** Nothing found: exit 0. */
  clean: boolean;
}

function fingerprintState(vault: Vault, record: KeyRecord | undefined) {
  const mine = record && vault.keyring.fingerprint(record.version);
  if (!mine) return 'unknown' as const;
  return mine === record.fingerprint ? 'match' : 'mismatch';
}

/**
 * Every key version: secrets, state, whether a key is configured and
 * whether it is the key recorded in vault.keys.
 *
 * @example
 * for (const v of await keyVersions(vault)) console.log(v.version, v.state);
 */
export async function keyVersions(vault: Vault): Promise<VersionReport[]> {
  const { rows } = await vault.db.query<{ key_version: number; n: string }>(
    `select key_version, count(*) as n from vault.secrets
     group by key_version`,
  );
  const counts = new Map(rows.map((r) => [Number(r.key_version), Number(r.n)]));
  const records = new Map(
    (await keyRecords(vault.db)).map((r) => [r.version, r]),
  );
  const all = new Set([
    ...counts.keys(),
    ...records.keys(),
    ...vault.keyring.versions(),
  ]);
  return [...all]
    .sort((a, b) => a - b)
    .map((version) => {
      const record = records.get(version);
      return {
        version,
        secrets: counts.get(version) ?? 0,
        state: record?.state,
        configured: vault.keyring.has(version),
        active: vault.keyring.active === version,
        fingerprint: fingerprintState(vault, record),
        createdAt: record?.createdAt,
      };
    });
}

async function namesAt(vault: Vault, version: number): Promise<string[]> {
  const { rows } = await vault.db.query<{ name: string }>(
    'select name from vault.secrets where key_version = $1 order by name',
    [version],
  );
  return rows.map((r) => r.name);
}

async function withNames(
  vault: Vault,
  found: AuditCount[],
  verbose: boolean | undefined,
): Promise<AuditCount[]> {
  if (!verbose) return found;
  return Promise.all(
    found.map(async (f) =>
      f.count > 0 ? { ...f, names: await namesAt(vault, f.version) } : f,
    ),
  );
}

/**
 * Which secrets still use a key version, which are unreadable (no key
 * configured for their version) and which configured keys differ from
 * the recorded ones; with `decrypt`, which secrets do not decrypt.
 * `clean` is false when anything is found.
 *
 * @example
 * const result = await audit(vault, { keyVersion: 1 });
 * result.audited[0].count; // 0 once the rotation is done
 */
export async function audit(
  vault: Vault,
  options: AuditOptions = {},
): Promise<AuditResult> {
  const versions = await keyVersions(vault);
  const targets =
    options.keyVersion !== undefined
      ? [options.keyVersion]
      : versions
          .filter((v) => !v.active && v.secrets > 0)
          .map((v) => v.version);
  const countOf = (n: number) =>
    versions.find((v) => v.version === n)?.secrets ?? 0;
  const audited = await withNames(
    vault,
    targets.map((version) => ({ version, count: countOf(version) })),
    options.verbose,
  );
  const unreadable = await withNames(
    vault,
    versions
      .filter((v) => !v.configured && v.secrets > 0)
      .map((v) => ({ version: v.version, count: v.secrets })),
    options.verbose,
  );
  const mismatched = versions
    .filter((v) => v.fingerprint === 'mismatch')
    .map((v) => v.version);
  const decrypted = options.decrypt
    ? await decryptAll(vault, options.verbose)
    : undefined;
  const clean =
    audited.every((a) => a.count === 0) &&
    unreadable.length === 0 &&
    mismatched.length === 0 &&
    (decrypted?.failed ?? 0) === 0;
  const result = { versions, audited, unreadable, mismatched, clean };
  return decrypted ? { ...result, decrypted } : result;
}

interface SealedRow {
  id: string;
  name: string;
  ciphertext: Uint8Array;
  nonce: Uint8Array;
  key_version: number;
}

const PAGE = 1000;

/** The next page of secrets after `after`, by id. */
async function page(vault: Vault, after: string): Promise<SealedRow[]> {
  const { rows } = await vault.db.query<SealedRow>(
    `select id, name, ciphertext, nonce, key_version from vault.secrets
     where id > $1 order by id limit $2`,
    [after, PAGE],
  );
  return rows;
}

/** False when the row does not decrypt with its configured key. */
function decrypts(vault: Vault, row: SealedRow): boolean {
  const ref = { id: row.id, name: row.name, version: Number(row.key_version) };
  try {
    vault.keyring.open(ref, sealedOf(row));
    return true;
  } catch (error) {
    if (error instanceof DecryptionError) return false;
    throw error;
  }
}

/**
 * Decrypts every secret whose version has a configured key, a page at a
 * time, and counts those that fail (a wrong key, altered or moved bytes).
 */
async function decryptAll(
  vault: Vault,
  verbose: boolean | undefined,
): Promise<DecryptCheck> {
  let checked = 0;
  const failed: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (let rows = await page(vault, after); rows.length > 0; ) {
    for (const row of rows) {
      if (!vault.keyring.has(Number(row.key_version))) continue;
      checked++;
      if (!decrypts(vault, row)) failed.push(row.name);
    }
    after = rows.at(-1)!.id;
    rows = await page(vault, after);
  }
  const names = failed.sort();
  return { checked, failed: names.length, ...(verbose ? { names } : {}) };
}

/**
 * Days after which `keys status` warns that the active key is due.
 *
 * @example
 * if (age > ROTATE_AFTER_DAYS) console.warn('rotate the key');
 */
export const ROTATE_AFTER_DAYS = 90;

/**
 * `keys status` as data: every version, and a warning when the active
 * key was first used more than 90 days ago.
 *
 * @example
 * const { warnings } = await keyStatus(vault);
 */
export async function keyStatus(
  vault: Vault,
  now: Date = new Date(),
): Promise<{ versions: VersionReport[]; warnings: string[] }> {
  const versions = await keyVersions(vault);
  const warnings: string[] = [];
  const active = versions.find((v) => v.active);
  const age = active?.createdAt && ageInDays(active.createdAt, now);
  if (active && age !== undefined && age > ROTATE_AFTER_DAYS) {
    warnings.push(
      `active key version ${active.version} is ${age} days old: rotate quarterly (add a new version, then fluxbase-cli secrets re-encrypt)`,
    );
  }
  for (const v of versions.filter((x) => x.fingerprint === 'mismatch')) {
    warnings.push(
      `key version ${v.version} in the configuration is not the key that encrypted these secrets`,
    );
  }
  return { versions, warnings };
}

/**
 * Whole days between two dates.
 *
 * @example
 * ageInDays(new Date('2026-01-01'), new Date('2026-04-01')); // 90
 */
export function ageInDays(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / 86_400_000);
}
