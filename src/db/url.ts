import { UsageError } from '../errors.ts';

/** What `openDatabase` makes of a URL or path. */
export type Target =
  | { kind: 'server'; url: string }
  | { kind: 'embedded'; dataDir: string | undefined };

/** The default embedded database, relative to the working directory. */
export const DEFAULT_EMBEDDED_DIR = '.fluxbase/db';

/**
 * Reads a database URL: `postgres://` or `postgresql://` is a server,
 * `memory://` an in-memory embedded database, `file://DIR` or a bare path
 * an embedded database kept in DIR.
 */
export function parseTarget(url: string | undefined): Target {
  if (url === undefined || url === '') {
    return { kind: 'embedded', dataDir: DEFAULT_EMBEDDED_DIR };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'server', url };
  if (/^memory:\/\/\/?$/i.test(url)) {
    return { kind: 'embedded', dataDir: undefined };
  }
  if (/^file:\/\//i.test(url)) {
    return { kind: 'embedded', dataDir: decodeURI(url.slice(7)) };
  }
  if (/^\s*[a-z_]+\s*=/i.test(url)) {
    throw new UsageError(
      `the database URL looks like a key/value connection string (${redactUrl(url)}): give a postgres:// URL instead`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new UsageError(
      `unsupported database URL scheme in ${redactUrl(url)}: use postgres://, memory:// or file://`,
    );
  }
  return { kind: 'embedded', dataDir: url };
}

/**
 * The text with every password hidden: the one in a URL's user info
 * (which may itself hold `@` or `/`: everything up to the last `@` of the
 * authority counts), a `password=` query or key/value parameter, and
 * `:password@` forms.
 */
export function redactUrl(url: string): string {
  const hidden = url.replace(
    /\b(password|pass|pwd|passwd)=([^&\s]*)/gi,
    (_m, key: string) => `${key}=***`,
  );
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(hidden);
  if (!scheme) return hidden;
  const [, prefix, rest] = scheme as unknown as [string, string, string];
  const query = rest.search(/[?#]/);
  const at = rest.slice(0, query < 0 ? undefined : query).lastIndexOf('@');
  if (at < 0) return hidden;
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return hidden;
  return `${prefix}${userInfo.slice(0, colon)}:***${rest.slice(at)}`;
}

/** `HOST:PORT/DB` for messages; never holds a password. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    const socket = parsed.searchParams.get('host');
    const host = socket ?? (decodeURIComponent(parsed.hostname) || 'localhost');
    const port = parsed.port || '5432';
    const db = decodeURIComponent(parsed.pathname.slice(1)) || 'postgres';
    return `${host}:${port}/${db}`;
  } catch {
    return redactUrl(url);
  }
}
