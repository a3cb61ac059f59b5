import { performance } from 'node:perf_hooks';

import type { Queryable } from '../db/shared.ts';
import { UsageError } from '../errors.ts';
import type { Sealed } from './cipher.ts';
import {
  DecryptionError,
  KeyStateError,
  RotationStoppedError,
} from './errors.ts';
import { recordEvent, setKeyState } from './registry.ts';
import type { Vault } from './store.ts';

/** How far a re-encryption has come, for a progress bar. */
export interface RotationProgress {
  /** Secrets at the old version when the run started. */
  total: number;
  reEncrypted: number;
  failed: number;
  seconds: number;
}

export interface ReEncryptOptions {
  fromVersion: number;
  toVersion: number;
  /** Secrets per transaction (default 100). */
  batchSize?: number;
  /** Workers, each on its own connection (default 4; 1 embedded). */
  concurrency?: number;
  /** Stops after the batches in flight when aborted. */
  signal?: AbortSignal;
  onProgress?: (progress: RotationProgress) => void;
  /** Called after each committed batch with the secrets re-encrypted. */
  onBatch?: (reEncrypted: number) => void;
  /** For rollback: the job kind, and no active-version check. */
  kind?: 'rotate' | 'rollback';
}

/** A secret that could not be re-encrypted, and why. */
export interface RotationFailure {
  name: string;
  reason: string;
}

/** What one run did (the guide's summary, as data). */
export interface ReEncryptResult {
  jobId: number;
  fromVersion: number;
  toVersion: number;
  /** Every secret in the vault when the run started. */
  scanned: number;
  /** Secrets this run decrypted and encrypted again. */
  reEncrypted: number;
  /** Already at the new version when the run started. */
  alreadyCurrent: number;
  /** Rows this run changed in the database. */
  updated: number;
  /** Moved meanwhile by another run. */
  skipped: number;
  failed: RotationFailure[];
  /** Still at the old version at the end. */
  remaining: number;
  interrupted: boolean;
  seconds: number;
}

/** A run's counters, shared by its workers. */
interface RunState {
  vault: Vault;
  from: number;
  to: number;
  size: number;
  failed: Map<string, RotationFailure>;
  reEncrypted: number;
  updated: number;
  skipped: number;
  signal: AbortSignal | undefined;
  onBatch: ((reEncrypted: number) => void) | undefined;
  /**
   * Every row at the old version with a lower id is done, failed, or
   * locked by another worker: the next batch starts after it.
   */
  cursor: string;
}

/** A locked row: its id and `nonce || ciphertext` in one value. */
interface Row {
  id: string;
  /** nonce || ciphertext, as base64 (a third of hex's size on the wire). */
  sealed: string;
}

const LOWEST_ID = '00000000-0000-0000-0000-000000000000';

/** A heartbeat older than this marks a `running` job as interrupted. */
const STALE_SECONDS = 30;

function check(vault: Vault, options: ReEncryptOptions): void {
  const { fromVersion: from, toVersion: to } = options;
  if (from === to) {
    throw new UsageError(`--from-version and --to-version are both ${from}`);
  }
  const active = vault.keyring.active;
  if (options.kind !== 'rollback' && to !== active) {
    throw new KeyStateError(
      `key version ${to} is not the active key version (${active ?? 'none'}): set security.encryption.active_key_version: ${to} first, so that new secrets use it too`,
    );
  }
  if (!vault.keyring.has(from)) {
    throw new KeyStateError(
      `key version ${from} is not configured, so its secrets cannot be decrypted: add it to security.encryption.keys`,
    );
  }
}

async function counts(q: Queryable, from: number, to: number) {
  const { rows } = await q.query<{ total: string; old: string; cur: string }>(
    `select count(*) as total,
            count(*) filter (where key_version = $1) as old,
            count(*) filter (where key_version = $2) as cur
     from vault.secrets`,
    [from, to],
  );
  const row = rows[0]!;
  return {
    total: Number(row.total),
    old: Number(row.old),
    current: Number(row.cur),
  };
}

async function startJob(
  q: Queryable,
  options: ReEncryptOptions,
  scanned: number,
) {
  await q.query(
    `update vault.rotation_jobs
     set status = 'interrupted', finished_at = now(),
         error = 'no heartbeat: the run was stopped'
     where status = 'running'
       and heartbeat_at < now() - make_interval(secs => $1)`,
    [STALE_SECONDS],
  );
  const { rows } = await q.query<{ id: string }>(
    `insert into vault.rotation_jobs (kind, from_version, to_version, scanned)
     values ($1, $2, $3, $4) returning id`,
    [options.kind ?? 'rotate', options.fromVersion, options.toVersion, scanned],
  );
  return Number(rows[0]!.id);
}

async function beat(q: Queryable, jobId: number, state: RunState) {
  await q.query(
    `update vault.rotation_jobs
     set re_encrypted = $2, skipped = $3, failed = $4, heartbeat_at = now()
     where id = $1`,
    [jobId, state.reEncrypted, state.skipped, state.failed.size],
  );
}

async function finishJob(
  q: Queryable,
  jobId: number,
  state: RunState,
  status: 'completed' | 'failed' | 'interrupted',
  error?: string,
) {
  await beat(q, jobId, state);
  await q.query(
    `update vault.rotation_jobs
     set status = $2, finished_at = now(), error = $3 where id = $1`,
    [jobId, status, error ?? null],
  );
}

/** `nonce || ciphertext` as one value: fewer values to move and parse. */
function split(sealed: string): Sealed {
  const bytes = Buffer.from(sealed, 'base64');
  return { nonce: bytes.subarray(0, 12), ciphertext: bytes.subarray(12) };
}

function reseal(state: RunState, rows: Row[]) {
  const cols = { id: [] as string[], sealed: [] as string[] };
  const failed: string[] = [];
  for (const row of rows) {
    const from = { id: row.id, name: row.id, version: state.from };
    const to = { ...from, version: state.to };
    try {
      const next = state.vault.keyring.reseal(from, to, split(row.sealed));
      cols.id.push(row.id);
      cols.sealed.push(
        Buffer.concat([next.nonce, next.ciphertext]).toString('base64'),
      );
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      failed.push(row.id);
    }
  }
  return { cols, failed };
}

/** Names the secrets that did not decrypt (names are not fetched before). */
async function recordFailures(tx: Queryable, state: RunState, ids: string[]) {
  const { rows } = await tx.query<{ id: string; name: string }>(
    'select id, name from vault.secrets where id = any($1::uuid[])',
    [ids],
  );
  for (const { id, name } of rows) {
    const reason = new DecryptionError(name, state.from).message;
    state.failed.set(id, { name, reason });
  }
}

/**
 * The rows of the next batch, locked. The fast pass skips rows another
 * worker holds and starts after the shared cursor (so it never rescans
 * rows already moved); the final pass starts from the lowest id and waits
 * for rows still held, so nothing is left behind.
 */
async function lockRows(tx: Queryable, state: RunState, wait: boolean) {
  const { rows } = await tx.query<Row>(
    `select id, pg_catalog.encode(nonce || ciphertext, 'base64') as sealed
     from vault.secrets
     where key_version = $1 and id > $3::uuid
       and not (id = any($4::uuid[]))
     order by key_version, id limit $2
     for update${wait ? '' : ' skip locked'}`,
    [
      state.from,
      state.size,
      wait ? LOWEST_ID : state.cursor,
      [...state.failed.keys()],
    ],
  );
  const last = rows.at(-1)?.id;
  if (!wait && last && last > state.cursor) state.cursor = last;
  return rows;
}

/**
 * One batch, one transaction: lock up to `size` rows still at the old
 * version, re-encrypt them in memory, write back only rows still at the
 * old version. Returns how many rows it locked.
 */
async function batch(state: RunState, wait: boolean): Promise<number> {
  return state.vault.db.transaction(async (tx) => {
    const rows = await lockRows(tx, state, wait);
    if (rows.length === 0) return 0;
    const { cols, failed } = reseal(state, rows);
    if (failed.length > 0) await recordFailures(tx, state, failed);
    if (cols.id.length === 0) return rows.length;
    const { rowCount } = await tx.query(
      `update vault.secrets s
       set nonce = pg_catalog.substr(u.b, 1, 12),
           ciphertext = pg_catalog.substr(u.b, 13),
           key_version = $3, updated_at = pg_catalog.now()
       from (
         select v.id, pg_catalog.decode(v.x, 'base64') as b
         from unnest($1::uuid[], $2::text[]) as v(id, x)
       ) as u
       where s.id = u.id and s.key_version = $4`,
      [cols.id, cols.sealed, state.to, state.from],
    );
    state.reEncrypted += cols.id.length;
    state.updated += rowCount;
    state.skipped += cols.id.length - rowCount;
    return rows.length;
  });
}

async function worker(state: RunState, wait: boolean): Promise<void> {
  while (!state.signal?.aborted) {
    if ((await batch(state, wait)) === 0) return;
    state.onBatch?.(state.reEncrypted);
  }
}

function stateFor(vault: Vault, options: ReEncryptOptions): RunState {
  return {
    vault,
    from: options.fromVersion,
    to: options.toVersion,
    size: options.batchSize ?? 100,
    failed: new Map(),
    reEncrypted: 0,
    updated: 0,
    skipped: 0,
    signal: options.signal,
    onBatch: options.onBatch,
    cursor: LOWEST_ID,
  };
}

/**
 * Re-encrypts every secret at `fromVersion` with `toVersion`, in batches
 * of one transaction each, by several workers on their own connections.
 * Progress is the rows themselves: an interruption at any moment loses
 * nothing and a second run continues where the first stopped; two runs at
 * once share the work. Secrets that do not decrypt stay as they are and
 * are reported.
 *
 * @example
 * const result = await reEncrypt(vault, { fromVersion: 1, toVersion: 2 });
 * result.remaining; // 0
 */
export async function reEncrypt(
  vault: Vault,
  options: ReEncryptOptions,
): Promise<ReEncryptResult> {
  const started = performance.now();
  await vault.ready();
  check(vault, options);
  await vault.ensureEncryptable(options.toVersion);

  const { jobId, before } = await begin(vault, options);
  const state = stateFor(vault, options);
  const seconds = () => (performance.now() - started) / 1000;
  const progress = () =>
    options.onProgress?.({
      total: before.old,
      reEncrypted: state.reEncrypted,
      failed: state.failed.size,
      seconds: seconds(),
    });
  await runJob(state, options, jobId, progress);

  const after = await counts(vault.db, options.fromVersion, options.toVersion);
  const interrupted = Boolean(options.signal?.aborted) && after.old > 0;
  const status = interrupted ? 'interrupted' : 'completed';
  await finishJob(vault.db, jobId, state, status);
  await closeOut(vault, options, jobId, state, after.old);
  return {
    jobId,
    fromVersion: options.fromVersion,
    toVersion: options.toVersion,
    scanned: before.total,
    reEncrypted: state.reEncrypted,
    alreadyCurrent: before.current,
    updated: state.updated,
    skipped: state.skipped,
    failed: [...state.failed.values()],
    remaining: after.old,
    interrupted,
    seconds: seconds(),
  };
}

/** Counts the secrets, records the job and its start event. */
async function begin(vault: Vault, options: ReEncryptOptions) {
  const db = vault.db;
  const before = await counts(db, options.fromVersion, options.toVersion);
  const jobId = await startJob(db, options, before.total);
  await recordEvent(db, {
    kind: `${options.kind ?? 'rotate'}_started`,
    jobId,
    version: options.toVersion,
    actor: vault.actor,
    detail: { from: options.fromVersion, to: options.toVersion },
  });
  return { jobId, before };
}

/**
 * Runs the workers with a heartbeat (and progress) every second. A worker
 * that fails stops the others after their batch; the job is marked failed
 * and the error says that a rerun continues.
 */
async function runJob(
  state: RunState,
  options: ReEncryptOptions,
  jobId: number,
  progress: () => void,
): Promise<void> {
  const db = state.vault.db;
  const timer = setInterval(() => {
    progress();
    beat(db, jobId, state).catch(() => undefined);
  }, 1000);
  try {
    await runWorkers(state, options, db.kind === 'embedded');
  } catch (error) {
    const message = (error as Error).message;
    await finishJob(db, jobId, state, 'failed', message).catch(() => null);
    const { fromVersion: from, toVersion: to } = options;
    throw new RotationStoppedError(from, to, { cause: error });
  } finally {
    clearInterval(timer);
  }
  progress();
}

async function runWorkers(
  state: RunState,
  options: ReEncryptOptions,
  embedded: boolean,
): Promise<void> {
  const failure = new AbortController();
  const signals = [failure.signal, options.signal].filter(
    (x): x is AbortSignal => x !== undefined,
  );
  state.signal = AbortSignal.any(signals);
  const count = embedded ? 1 : Math.max(1, options.concurrency ?? 4);
  const workers = Array.from({ length: count }, () =>
    worker(state, false).catch((error: unknown) => {
      failure.abort();
      throw error;
    }),
  );
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  // Rows another run held are waited for, so that nothing is left behind
  // by a run that stopped after this one skipped its rows.
  await worker(state, true);
}

async function closeOut(
  vault: Vault,
  options: ReEncryptOptions,
  jobId: number,
  state: RunState,
  remaining: number,
): Promise<void> {
  const kind = options.kind ?? 'rotate';
  await recordEvent(vault.db, {
    kind: remaining === 0 ? `${kind}_completed` : `${kind}_incomplete`,
    jobId,
    version: options.toVersion,
    actor: vault.actor,
    detail: {
      from: options.fromVersion,
      to: options.toVersion,
      re_encrypted: state.reEncrypted,
      failed: state.failed.size,
      remaining,
    },
  });
  if (remaining > 0 || kind === 'rollback') return;
  await setKeyState(vault.db, options.fromVersion, 'retired', {
    jobId,
    actor: vault.actor,
  });
}
