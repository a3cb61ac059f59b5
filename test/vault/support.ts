import { spawn } from 'node:child_process';
import { join } from 'node:path';

import type { Database } from '../../src/db/shared.ts';
import { Keyring } from '../../src/vault/keyring.ts';
import { Vault } from '../../src/vault/store.ts';

/** Fixed keys, so that failures are reproducible. */
export const KEY1 = '11'.repeat(32);
export const KEY2 = '22'.repeat(32);
export const KEY3 = '33'.repeat(32);

const BYTES: Record<string, Buffer> = {
  1: Buffer.from(KEY1, 'hex'),
  2: Buffer.from(KEY2, 'hex'),
  3: Buffer.from(KEY3, 'hex'),
};

/** A vault over `db` holding the given versions, the last one active. */
export function vaultWith(
  db: Database,
  versions: number[],
  active = versions.at(-1),
): Vault {
  const ring = new Keyring(
    versions.map((v) => [v, BYTES[v]!] as [number, Buffer]),
    active,
  );
  return new Vault(db, ring);
}

/** `count` secrets named s00000… with values derived from the name. */
export function sampleSecrets(count: number, size = 24): [string, string][] {
  return Array.from({ length: count }, (_, i) => {
    const name = `s${String(i).padStart(5, '0')}`;
    return [name, `${name}:`.padEnd(size, String(i % 10))];
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'fluxbase-cli.js');

/** Environment for the CLI: nothing of ours but what the test gives. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(FLUXBASE_|SECRET_KEY|DATABASE_URL|VAULT_|AWS_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Starts the real CLI; resolves when it exits. */
export function startCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cliEnv(options.env ?? {}),
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(options.input ?? '');
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** Runs the real CLI to the end. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CliResult> {
  return startCli(args, options).done;
}
