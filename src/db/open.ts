import { UsageError } from '../errors.ts';
import { openServer } from './pg.ts';
import { openEmbedded } from './pglite.ts';
import type { Database } from './shared.ts';
import { parseTarget, redactUrl } from './url.ts';

export interface OpenOptions {
  /** postgres://…, memory://, file://DIR or a folder; default ./.fluxbase/db */
  url?: string | undefined;
  /** Pool size for a server (default 10). */
  max?: number;
}

const FOLDER_CODES = new Set(['ENOTDIR', 'EACCES', 'EEXIST', 'EROFS', 'EPERM']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Says which value is wrong when the driver cannot read the URL. */
function badUrl(url: string, error: unknown): UsageError {
  return new UsageError(
    `not a valid PostgreSQL URL: ${redactUrl(url)} (check the port, brackets around IPv6 hosts, and %-encode special characters in the user or password)`,
    { cause: error },
  );
}

/** Says why a folder cannot hold the embedded database. */
function badFolder(dir: string, error: unknown): UsageError {
  const reason = error instanceof Error ? error.message : String(error);
  return new UsageError(
    `cannot keep the embedded database in ${redactUrl(dir)}: ${reason.replace(dir, '…')} (give a folder you can write, or a postgres:// URL)`,
    { cause: error },
  );
}

/**
 * Opens the database a URL names: a pg Pool for `postgres://`, embedded
 * PGlite otherwise.
 *
 * @example
 * const db = await openDatabase({ url: process.env.DATABASE_URL });
 */
export async function openDatabase(
  options: OpenOptions = {},
): Promise<Database> {
  const target = parseTarget(options.url);
  if (target.kind === 'server') {
    try {
      return await openServer({ url: target.url, max: options.max ?? 10 });
    } catch (error) {
      if (codeOf(error) === 'ERR_INVALID_URL') throw badUrl(target.url, error);
      if (error instanceof TypeError && /Invalid URL/i.test(error.message)) {
        throw badUrl(target.url, error);
      }
      throw error;
    }
  }
  try {
    return await openEmbedded(target.dataDir);
  } catch (error) {
    const code = codeOf(error);
    if (target.dataDir && code && FOLDER_CODES.has(code)) {
      throw badFolder(target.dataDir, error);
    }
    throw error;
  }
}
