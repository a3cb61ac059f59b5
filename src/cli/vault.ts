import { userInfo } from 'node:os';

import { InvalidArgumentError as InvalidArgument } from 'commander';

import { resolveKeys } from '../config/keys.ts';
import { Keyring } from '../vault/keyring.ts';
import { Vault } from '../vault/store.ts';
import type { CommandContext } from './context.ts';

/** Who runs the CLI, for vault.events. */
function actor(): string {
  try {
    return `fluxbase-cli (${userInfo().username})`;
  } catch {
    return 'fluxbase-cli';
  }
}

/**
 * Opens the vault of the command's database with the configured keys.
 * With `verify`, refuses a configured key that is not the recorded one.
 */
export async function vaultFor(
  ctx: CommandContext,
  options: { verify?: boolean } = {},
): Promise<Vault> {
  const keys = await resolveKeys(ctx.loaded.config.security.encryption);
  const db = await ctx.database();
  const ring = new Keyring(keys.keys, keys.active);
  const vault = new Vault(db, ring, { wrapper: keys.wrapper, actor: actor() });
  if (options.verify === false) await vault.loadKeys();
  else await vault.ready();
  return vault;
}

/** Parses a positive whole number flag. */
export function positive(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new InvalidArgument('must be a whole number of at least 1');
  }
  return Number(value);
}
