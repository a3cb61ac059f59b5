import { randomBytes } from 'node:crypto';

import type { Command } from 'commander';

import { ageInDays, keyStatus, type VersionReport } from '../vault/audit.ts';
import type { CommandContext } from './context.ts';
import { print, printJson } from './output.ts';
import { action } from './run.ts';
import { vaultFor } from './vault.ts';

async function generate(ctx: CommandContext) {
  const key = randomBytes(32).toString('hex');
  if (ctx.json) printJson({ key });
  else print(key);
  return 0;
}

/** `yes`, `no`, or `wrong key` when it is not the recorded key. */
function configuredText(v: VersionReport): string {
  if (v.fingerprint === 'mismatch') return 'wrong key';
  return v.configured ? 'yes' : 'no';
}

/** Exit 1 when any configured key is not the one recorded. */
function exitCode(versions: VersionReport[]): number {
  return versions.some((v) => v.fingerprint === 'mismatch') ? 1 : 0;
}

async function status(ctx: CommandContext) {
  const vault = await vaultFor(ctx, { verify: false });
  const { versions, warnings } = await keyStatus(vault);
  if (ctx.json) {
    printJson({ versions, warnings });
    return exitCode(versions);
  }
  const now = new Date();
  print('version  state         configured  secrets  age');
  for (const v of versions) {
    const state = `${v.state ?? 'unused'}${v.active ? '*' : ''}`;
    const age = v.createdAt ? `${ageInDays(v.createdAt, now)}d` : '-';
    const configured = configuredText(v);
    print(
      `${String(v.version).padEnd(8)} ${state.padEnd(13)} ${configured.padEnd(11)} ${String(v.secrets).padEnd(8)} ${age}`,
    );
  }
  print('(* the configured active version)');
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return exitCode(versions);
}

/** `fluxbase-cli keys generate | status` */
export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('encryption key versions of the vault');

  keys
    .command('generate')
    .description('print a new 256-bit key as 64 hex characters')
    .addHelpText(
      'after',
      '\nExample:\n  export FLUXBASE_SECRET_KEY_2=$(fluxbase-cli keys generate)',
    )
    .action(action(generate));

  keys
    .command('status')
    .description(
      'versions, state, secrets per version and age; exit 1 for a wrong key',
    )
    .addHelpText('after', '\nExample:\n  fluxbase-cli keys status')
    .action(action(status));
}
