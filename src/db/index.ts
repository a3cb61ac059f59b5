export { DatabaseError, isPgError, wrapPgError } from './errors.ts';
export { formatSqlError, locate, type SqlSource } from './location.ts';
export { type OpenOptions, openDatabase } from './open.ts';
export { connectionError, openServer, pgClientOf } from './pg.ts';
export { openEmbedded, pgliteOf } from './pglite.ts';
export { quoteIdent, quoteQualified } from './quote.ts';
export type {
  Database,
  Notification,
  Queryable,
  QueryResult,
  Session,
} from './shared.ts';
export {
  DEFAULT_EMBEDDED_DIR,
  describeServer,
  parseTarget,
  redactUrl,
  type Target,
} from './url.ts';
