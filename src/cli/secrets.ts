import { readFileSync } from 'node:fs';

import type { Command } from 'commander';

import { UsageError } from '../errors.ts';
import { type AuditResult, audit, type DecryptCheck } from '../vault/audit.ts';
import type { SecretValue } from '../vault/cipher.ts';
import { SecretNotFoundError } from '../vault/errors.ts';
import { rollback } from '../vault/rollback.ts';
import { reEncrypt } from '../vault/rotation.ts';
import type { CommandContext } from './context.ts';
import { print, printJson } from './output.ts';
import { progressReporter, rotationSummary } from './progress.ts';
import { action } from './run.ts';
import { positive, vaultFor } from './vault.ts';

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) {
    throw new UsageError(
      'the value is read from stdin: pipe it in, e.g. printf %s "$TOKEN" | fluxbase-cli secrets put NAME',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The value of `put`: --value (with a warning), else stdin. */
async function readValue(ctx: CommandContext, flag?: string): Promise<string> {
  if (flag !== undefined) {
    process.stderr.write(
      'warning: --value is visible to other processes (ps, shell history); pipe the value on stdin instead\n',
    );
    return flag;
  }
  const text = (await readStdin()).toString('utf8');
  ctx.log('read the value from stdin');
  return text.replace(/\r?\n$/, '');
}

async function put(
  ctx: CommandContext,
  name: string,
  flags: { value?: string; description?: string },
) {
  const value = await readValue(ctx, flags.value);
  const vault = await vaultFor(ctx);
  const info = await vault.put(name, value, {
    description: flags.description,
  });
  if (ctx.json) printJson({ name, id: info.id, keyVersion: info.keyVersion });
  else print(`✓ Stored secret ${name} (key version ${info.keyVersion})`);
  return 0;
}

function writeValue(ctx: CommandContext, name: string, value: SecretValue) {
  if (ctx.json) {
    const field =
      typeof value === 'string'
        ? { value }
        : { value_base64: Buffer.from(value).toString('base64') };
    printJson({ name, ...field });
  } else if (typeof value === 'string') {
    process.stdout.write(process.stdout.isTTY ? `${value}\n` : value);
  } else process.stdout.write(value);
}

async function get(ctx: CommandContext, name: string) {
  const vault = await vaultFor(ctx);
  writeValue(ctx, name, await vault.get(name));
  return 0;
}

async function list(ctx: CommandContext) {
  const vault = await vaultFor(ctx, { verify: false });
  const secrets = await vault.list();
  if (ctx.json) {
    printJson(secrets);
    return 0;
  }
  if (secrets.length === 0) print('no secrets');
  for (const s of secrets) {
    const about = s.description ? `  ${s.description}` : '';
    print(`${s.name}  v${s.keyVersion}  ${s.updatedAt.toISOString()}${about}`);
  }
  return 0;
}

async function remove(ctx: CommandContext, name: string) {
  const vault = await vaultFor(ctx, { verify: false });
  if (!(await vault.delete(name))) throw new SecretNotFoundError(name);
  if (ctx.json) printJson({ deleted: name });
  else print(`✓ Deleted secret ${name}`);
  return 0;
}

function parseImport(text: string, where: string): [string, string][] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${where} must be a JSON object of name → value`);
  }
  const entries = Object.entries(data);
  const bad = entries.filter(([, v]) => typeof v !== 'string');
  if (bad.length > 0) {
    const names = bad.map(([k]) => JSON.stringify(k)).join(', ');
    throw new UsageError(`${where}: values must be strings (${names})`);
  }
  return entries as [string, string][];
}

async function importFile(
  ctx: CommandContext,
  file: string,
  flags: { batchSize: number },
) {
  const text =
    file === '-'
      ? (await readStdin()).toString('utf8')
      : readFileSync(file, 'utf8');
  const entries = parseImport(text, file === '-' ? 'stdin' : file);
  const vault = await vaultFor(ctx);
  const result = await vault.import(entries, {
    batchSize: flags.batchSize,
    onBatch: (done) => ctx.log(`imported ${done}/${entries.length}`),
  });
  if (ctx.json) printJson(result);
  else {
    print(
      `✓ Imported ${entries.length} secrets (${result.created} new, ${result.updated} updated)`,
    );
  }
  return 0;
}

interface RotateFlags {
  fromVersion: number;
  toVersion: number;
  batchSize: number;
  concurrency: number;
}

/** Aborts on the first Ctrl-C (or SIGTERM); the batches in flight end. */
function interruptible(ctx: CommandContext) {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) return;
    ctx.log('\nstopping after the batches in flight…');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

async function rotate(ctx: CommandContext, flags: RotateFlags) {
  const vault = await vaultFor(ctx);
  const progress = progressReporter(ctx.json);
  const stop = interruptible(ctx);
  try {
    const result = await reEncrypt(vault, {
      ...flags,
      signal: stop.signal,
      onProgress: progress.update,
    });
    progress.done();
    if (ctx.json) printJson(result);
    else for (const line of rotationSummary(result)) print(line);
    return result.remaining === 0 ? 0 : 1;
  } finally {
    stop.dispose();
  }
}

function auditLines(result: AuditResult): string[] {
  const lines = ['Secrets per key version:'];
  for (const v of result.versions) {
    const notes = [
      v.state ?? 'unused',
      v.active ? 'configured as active' : undefined,
      v.configured ? undefined : 'no key configured',
    ].filter(Boolean);
    lines.push(
      `  version ${v.version}: ${v.secrets} secrets (${notes.join(', ')})`,
    );
  }
  for (const a of result.audited) {
    if (a.count === 0) {
      lines.push(`✓ No secrets found encrypted with key version ${a.version}`);
    } else {
      lines.push(
        `✗ ${a.count} secrets found encrypted with key version ${a.version}`,
      );
      for (const name of a.names ?? []) lines.push(`    ${name}`);
    }
  }
  const found = result.unreadable.length + result.mismatched.length;
  if (result.audited.length === 0 && found === 0) {
    lines.push('✓ Every secret is encrypted with the active key version');
  }
  for (const u of result.unreadable) {
    lines.push(
      `✗ ${u.count} secrets use key version ${u.version}, which has no configured key (unreadable)`,
    );
    for (const name of u.names ?? []) lines.push(`    ${name}`);
  }
  for (const v of result.mismatched) {
    lines.push(
      `✗ key version ${v} in the configuration is not the key that encrypted these secrets`,
    );
  }
  return [...lines, ...decryptLines(result.decrypted)];
}

function decryptLines(check: DecryptCheck | undefined): string[] {
  if (!check) return ['(ciphertexts not checked: use --decrypt)'];
  if (check.failed === 0) {
    return [
      `✓ Every secret with a configured key decrypts (${check.checked} checked)`,
    ];
  }
  return [
    `✗ ${check.failed} of ${check.checked} secrets do not decrypt with their configured key`,
    ...(check.names ?? []).map((name) => `    ${name}`),
  ];
}

async function auditCommand(
  ctx: CommandContext,
  flags: { keyVersion?: number; verbose?: boolean; decrypt?: boolean },
) {
  const vault = await vaultFor(ctx, { verify: false });
  const result = await audit(vault, flags);
  if (ctx.json) printJson(result);
  else for (const line of auditLines(result)) print(line);
  return result.clean ? 0 : 1;
}

async function rollbackCommand(
  ctx: CommandContext,
  flags: {
    toVersion: number;
    reason: string;
    batchSize: number;
    concurrency: number;
  },
) {
  if (!flags.reason.trim()) throw new UsageError('--reason must not be empty');
  const vault = await vaultFor(ctx);
  const progress = progressReporter(ctx.json);
  const stop = interruptible(ctx);
  try {
    const result = await rollback(vault, {
      ...flags,
      signal: stop.signal,
      onProgress: progress.update,
    });
    progress.done();
    if (ctx.json) printJson(result);
    else printRollback(result);
    return result.remaining === 0 ? 0 : 1;
  } finally {
    stop.dispose();
  }
}

function printRollback(result: Awaited<ReturnType<typeof rollback>>) {
  for (const run of result.runs)
    for (const line of rotationSummary(run)) print(line);
  const marked = result.compromised.join(', ') || 'none';
  print(`✓ Marked compromised: key version ${marked}`);
  if (result.remaining > 0) {
    print(
      `✗ ${result.remaining} secrets are not at key version ${result.toVersion} yet`,
    );
  }
  if (result.configChange.length === 0) return;
  print('');
  print('Now change the configuration:');
  for (const line of result.configChange) print(`  ${line}`);
}

function rotationFlags(command: Command): Command {
  return command
    .option('--batch-size <n>', 'secrets per transaction', positive, 100)
    .option('--concurrency <n>', 'workers, each on a connection', positive, 4);
}

/** `fluxbase-cli secrets put | get | list | delete | import | re-encrypt | audit | rollback` */
export function registerSecrets(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('secrets encrypted outside the database; key rotation');

  secrets
    .command('put')
    .description('store a secret; the value is read from stdin')
    .argument('<name>', 'the secret name')
    .option('--value <value>', 'the value (visible to other processes)')
    .option('--description <text>', 'what the secret is for')
    .addHelpText(
      'after',
      '\nExample:\n  printf %s "$STRIPE_KEY" | fluxbase-cli secrets put stripe_key',
    )
    .action(action(put));

  secrets
    .command('get')
    .description('print a secret value')
    .argument('<name>', 'the secret name')
    .addHelpText('after', '\nExample:\n  fluxbase-cli secrets get stripe_key')
    .action(action(get));

  secrets
    .command('list')
    .description('list secret names, key versions and descriptions')
    .addHelpText('after', '\nExample:\n  fluxbase-cli secrets list --json')
    .action(action(list));

  secrets
    .command('delete')
    .description('delete a secret; exit 1 when there is none of that name')
    .argument('<name>', 'the secret name')
    .addHelpText('after', '\nExample:\n  fluxbase-cli secrets delete old_key')
    .action(action(remove));

  secrets
    .command('import')
    .description('store every secret of a JSON object of name → value')
    .argument('<file>', 'a JSON file, or - for stdin')
    .option('--batch-size <n>', 'secrets per transaction', positive, 500)
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli secrets import secrets.json',
    )
    .action(action(importFile));

  rotationFlags(secrets.command('re-encrypt'))
    .description('re-encrypt every secret of one key version with another')
    .requiredOption('--from-version <n>', 'the old key version', positive)
    .requiredOption('--to-version <n>', 'the new (active) version', positive)
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli secrets re-encrypt --from-version 1 --to-version 2',
    )
    .action(action(rotate));

  secrets
    .command('audit')
    .description('count secrets per key version; exit 1 when any is found')
    .option('--key-version <n>', 'the version to look for', positive)
    .option('--verbose', 'list the names of the secrets found')
    .option('--decrypt', 'decrypt every secret; exit 1 when any fails')
    .addHelpText(
      'after',
      '\nExamples:\n  fluxbase-cli secrets audit --key-version 1\n  fluxbase-cli secrets audit --decrypt --verbose',
    )
    .action(action(auditCommand));

  rotationFlags(secrets.command('rollback'))
    .description('re-encrypt every secret back to a version; abandon others')
    .requiredOption('--to-version <n>', 'the version to go back to', positive)
    .requiredOption('--reason <text>', 'why, recorded in vault.events')
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli secrets rollback --to-version 1 --reason "v2 leaked"',
    )
    .action(action(rollbackCommand));
}
