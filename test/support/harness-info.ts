/** What the global setup tells each test file about its database. */
export interface HarnessInfo {
  kind: 'url' | 'cluster' | 'embedded';
  /** Prefix of every database the run creates (dropped at the end). */
  prefix: string;
  adminUrl?: string;
  /** Server database with the pack migrated, to copy from. */
  template?: string;
  /** Embedded: a data-dir tarball with the pack migrated. */
  embeddedTemplate?: string;
  /** Why only the embedded database is available. */
  reason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    fluxbaseHarness: HarnessInfo;
  }
}
