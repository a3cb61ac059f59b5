import type { Command } from 'commander';

import { type LoadedConfig, loadConfig } from '../config/load.ts';
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

/** Builds the context for one command run. */
export function createContext(command: Command): CommandContext {
  const globals = globalsOf(command);
  const loaded = loadConfig({ file: globals.config });
  const url = pickUrl(globals.databaseUrl, loaded);
  const json = Boolean(globals.json);
  let opened: Promise<Database> | undefined;

  return {
    loaded,
    json,
    url,
    database() {
      opened ??= openDatabase({ url, max: loaded.config.database.pool_size });
      return opened;
    },
    log(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
    async close() {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}
