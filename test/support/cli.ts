import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../bin/fluxbase-cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
}

/** The environment without anything that would point the CLI elsewhere. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'DATABASE_URL' || k.startsWith('FLUXBASE_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs `fluxbase-cli` as a separate process, as a user would. */
export function runCli(
  args: string[],
  options: CliOptions = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs the CLI inside the test process (faster; for commands whose output
 * is what the test checks), capturing stdout and stderr.
 */
export async function runCliInProcess(...args: string[]): Promise<CliResult> {
  const { vi } = await import('vitest');
  const { runCli: run } = await import('../../src/cli/program.ts');
  let stdout = '';
  let stderr = '';
  const capture = (into: 'out' | 'err') => (chunk: string | Uint8Array) => {
    if (into === 'out') stdout += String(chunk);
    else stderr += String(chunk);
    return true;
  };
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation(capture('out'));
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation(capture('err'));
  try {
    const code = await run(['node', 'fluxbase-cli', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}
