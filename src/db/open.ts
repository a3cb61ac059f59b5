import { openServer } from './pg.ts';
import { openEmbedded } from './pglite.ts';
import type { Database } from './shared.ts';
import { parseTarget } from './url.ts';

export interface OpenOptions {
  /** postgres://…, memory://, file://DIR or a folder; default ./.fluxbase/db */
  url?: string | undefined;
  /** Pool size for a server (default 10). */
  max?: number;
}

/**
 * Opens the database a URL names: a pg Pool for `postgres://`, embedded
 * PGlite otherwise.
 *
 * @example
 * const db = await openDatabase({ url: process.env.DATABASE_URL });
 */
export async function openDatabase(options: OpenOptions = {}) {
  const target = parseTarget(options.url);
  if (target.kind === 'server') {
    return openServer({ url: target.url, max: options.max ?? 10 });
  }
  return openEmbedded(target.dataDir) as Promise<Database>;
}
