import type { Command } from 'commander';

import {
  type CommandContext,
  type ContextOptions,
  createContext,
} from './context.ts';
import { reportError } from './output.ts';

/**
 * Wraps a command's action: builds the context, runs the action, sets
 * `process.exitCode` from what it returns (or from the error it throws),
 * and closes the database.
 */
export function action<A extends unknown[]>(
  fn: (ctx: CommandContext, ...args: A) => Promise<number | undefined>,
  options: ContextOptions = {},
) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    let ctx: CommandContext | undefined;
    try {
      ctx = createContext(command, options);
      const code = await fn(ctx, ...(args.slice(0, -1) as A));
      process.exitCode = code ?? 0;
    } catch (error) {
      process.exitCode = reportError(error);
    } finally {
      await ctx?.close().catch(() => undefined);
    }
  };
}
