import {
  linkSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { FluxbaseError } from '../errors.ts';

// A PGlite data folder may be open in one process only: a second one
// corrupts it. The folder's lock is a file holding the pid of the process
// that has it open, created atomically (link fails when it exists). A lock
// whose process is gone is stale and is broken, under a second short-lived
// lock so that two processes never break one lock twice.
// Limitation: a pid reused by an unrelated process keeps a stale lock
// alive until that process ends; the error names the pid to check.

/** The lock file inside a data folder. */
export const LOCK_FILE = 'fluxbase.lock';

const POLL_MS = 100;
const RETRY_MS = 5;
const BREAK_STALE_MS = 10_000;

/** The folders this process holds, so that its own pid is not stale. */
const held = new Set<string>();

/** The embedded database's folder is open in another process. */
export class DatabaseBusyError extends FluxbaseError {
  readonly pid: number;

  constructor(dataDir: string, pid: number) {
    super(
      'database_busy',
      `the embedded database in ${dataDir} is in use by process ${pid}; wait for it to finish, or use a PostgreSQL server`,
    );
    this.pid = pid;
  }
}

export interface FolderLockOptions {
  /** How long to wait for another process (default 60 000 ms). */
  timeoutMs?: number;
  /** Called once when another process holds the folder. */
  onWait?: (pid: number) => void;
}

/** A held lock; `release` is idempotent. */
export interface FolderLock {
  release(): void;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isAlive(pid: number, path: string): boolean {
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** The pid in a lock file (0 when unreadable), or undefined without one. */
function holderOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates a file holding our pid, whole or not at all. */
function tryCreate(path: string): boolean {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${process.pid}\n`);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function isOld(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > BREAK_STALE_MS;
  } catch {
    return false;
  }
}

/** Removes the lock of a gone process, unless another did it first. */
function breakStale(path: string, stalePid: number): void {
  const guard = `${path}.break`;
  if (isOld(guard)) removeQuietly(guard);
  if (!tryCreate(guard)) return;
  try {
    if (holderOf(path) === stalePid) removeQuietly(path);
  } finally {
    removeQuietly(guard);
  }
}

/**
 * One try: 'taken', the pid of the live process that has the lock, or
 * 'retry' when the lock went away or was stale.
 */
function attempt(path: string): 'taken' | 'retry' | number {
  if (tryCreate(path)) return 'taken';
  const pid = holderOf(path);
  if (pid === undefined) return 'retry';
  if (pid > 0 && isAlive(pid, path)) return pid;
  breakStale(path, pid);
  return 'retry';
}

function releaseAll(): void {
  for (const path of held) removeQuietly(path);
  held.clear();
}

function holding(path: string): FolderLock {
  if (held.size === 0) process.on('exit', releaseAll);
  held.add(path);
  return {
    release() {
      if (!held.delete(path)) return;
      if (held.size === 0) process.off('exit', releaseAll);
      removeQuietly(path);
    },
  };
}

/**
 * Takes the lock of an embedded database's folder, waiting for another
 * process that has it open (polling) up to `timeoutMs`.
 *
 * @example
 * const lock = await lockFolder('.fluxbase/db', { timeoutMs: 5000 });
 * try { ... } finally { lock.release(); }
 */
export async function lockFolder(
  dataDir: string,
  options: FolderLockOptions = {},
): Promise<FolderLock> {
  const path = join(resolve(dataDir), LOCK_FILE);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let waited = false;

  for (;;) {
    const result = attempt(path);
    if (result === 'taken') return holding(path);
    if (result === 'retry') {
      await sleep(RETRY_MS);
      continue;
    }
    if (Date.now() >= deadline) throw new DatabaseBusyError(dataDir, result);
    if (!waited) options.onWait?.(result);
    waited = true;
    await sleep(POLL_MS);
  }
}
