import type { Database } from '../db/shared.ts';
import type { AuthClaims } from './shared.ts';

/** The channel every revocation NOTIFYs (see sql/auth/revocations.sql). */
export const REVOCATION_CHANNEL = 'fluxbase_auth_revocations';

export interface RevocationCacheOptions {
  /** Longest an answer is trusted without a notification (default 60 s). */
  ttlMs?: number;
  /** Answers kept at most (default 10 000; the oldest go first). */
  maxEntries?: number;
}

type Entry = { revoked: boolean; at: number };

function cacheKey(claims: AuthClaims): string {
  return `${claims.jti ?? ''}|${claims.session_id ?? ''}|${claims.sub}|${claims.iat}`;
}

/**
 * Answers auth.is_revoked() from memory. Every instance LISTENs on the
 * revocation channel and forgets all it knew when a revocation commits
 * anywhere, so a token revoked through one instance is refused by all.
 * Until the LISTEN is in place, and if it fails, nothing is cached.
 */
export class RevocationCache {
  readonly #db: Database;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();
  #generation = 0;
  #listening = false;
  #unlisten: Promise<(() => Promise<void>) | undefined>;

  constructor(db: Database, options: RevocationCacheOptions = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#unlisten = this.#listen();
  }

  async #listen() {
    try {
      const stop = await this.#db.listen(REVOCATION_CHANNEL, () =>
        this.invalidate(),
      );
      this.#listening = true;
      return stop;
    } catch {
      return undefined;
    }
  }

  /** Resolves once the LISTEN is in place (or has failed). */
  async ready(): Promise<void> {
    await this.#unlisten;
  }

  /** Forgets every answer (a revocation happened somewhere). */
  invalidate(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  /** True when the token with these claims is revoked. */
  async isRevoked(claims: AuthClaims): Promise<boolean> {
    const key = cacheKey(claims);
    const hit = this.#entries.get(key);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.revoked;

    const generation = this.#generation;
    const revoked = await this.#lookup(claims);
    if (this.#listening && generation === this.#generation) {
      this.#remember(key, revoked);
    }
    return revoked;
  }

  async #lookup(claims: AuthClaims): Promise<boolean> {
    const { rows } = await this.#db.query<{ revoked: boolean }>(
      'select auth.is_revoked($1::jsonb) as revoked',
      [JSON.stringify(claims)],
    );
    return rows[0]?.revoked === true;
  }

  #remember(key: string, revoked: boolean): void {
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { revoked, at: Date.now() });
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.#listening = false;
    const stop = await this.#unlisten;
    await stop?.();
  }
}
