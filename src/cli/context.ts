import type { Command } from 'commander';

import { enforceEnvironment } from '../config/environment.ts';
import {
  type LoadedConfig,
  type LogLevel,
  loadConfig,
} from '../config/load.ts';
import { openDatabase } from '../db/open.ts';
import type { Database } from '../db/shared.ts';

/** Options every command takes. */
export interface GlobalOptions {
  databaseUrl?: string;
  config?: string;
  json?: boolean;
}

/** What a command needs: its configuration, and a database on demand. */
export interface CommandContext {
  loaded: LoadedConfig;
  json: boolean;
  /** The database URL in force, or undefined for the embedded default. */
  url: string | undefined;
  /** Opens the database once; later calls return the same one. */
  database(): Promise<Database>;
  /** Progress for people, on stderr; silent with --json. */
  log(line: string): void;
  /** A warning on stderr (hidden by FLUXBASE_LOG_LEVEL=error). */
  warn(line: string): void;
  /** Detail on stderr, shown with FLUXBASE_LOG_LEVEL=debug. */
  debug(line: string): void;
  close(): Promise<void>;
}

/** --database-url, else DATABASE_URL, else database.url, else embedded. */
export function pickUrl(
  flag: string | undefined,
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return flag || env.DATABASE_URL || loaded.config.database.url || undefined;
}

/** The options of the command and of every parent, merged. */
export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function logger(level: LogLevel, quiet: boolean) {
  return (at: LogLevel) => (line: string) => {
    if (RANK[at] < RANK[level] || (quiet && at === 'info')) return;
    process.stderr.write(`${line}\n`);
  };
}

export interface ContextOptions {
  /** Leave the production checks to the command (the audit reports them). */
  environmentCheck?: boolean;
}

/** Builds the context for one command run. */
export function createContext(
  command: Command,
  options: ContextOptions = {},
): CommandContext {
  const globals = globalsOf(command);
  const loaded = loadConfig({ file: globals.config });
  const json = Boolean(globals.json);
  const at = logger(loaded.logLevel, json);
  if (options.environmentCheck !== false) {
    enforceEnvironment(loaded, at('warn'));
  }
  const url = pickUrl(globals.databaseUrl, loaded);
  let opened: Promise<Database> | undefined;

  return {
    loaded,
    json,
    url,
    database() {
      opened ??= openDatabase({ url, max: loaded.config.database.pool_size });
      return opened;
    },
    log: at('info'),
    warn: at('warn'),
    debug: at('debug'),
    async close() {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}
