import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { KEY1, KEY2, KEY3, runCli } from './support.ts';

const one = { FLUXBASE_SECRET_KEY_1: KEY1 };
const both = { ...one, FLUXBASE_SECRET_KEY_2: KEY2 };

let t: TestDatabase;
let url: string;
beforeAll(async () => {
  t = await freshDatabase({ onDisk: true });
  url = t.url;
  // An embedded database on disk is opened by one process at a time.
  if (t.kind === 'embedded') await t.db.close();
});
afterAll(() => t.drop());

function cli(args: string[], env: Record<string, string>, input?: string) {
  return runCli([...args, '--database-url', url], { env, input });
}

function expectNoKey(...texts: string[]) {
  for (const text of texts) {
    for (const key of [KEY1, KEY2, KEY3]) expect(text).not.toContain(key);
  }
}

describe('fluxbase-cli keys generate', () => {
  it('prints a new 256-bit key as 64 hex characters', async () => {
    const [a, b] = await Promise.all([
      runCli(['keys', 'generate']),
      runCli(['keys', 'generate']),
    ]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(b.stdout).not.toBe(a.stdout);
  });
});

describe('fluxbase-cli secrets', () => {
  it('says to migrate first when the database has no vault', async () => {
    const result = await runCli(
      ['secrets', 'list', '--database-url', 'memory://'],
      { env: one },
    );
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: the vault is not installed in embedded (memory): run fluxbase-cli migrate up first\n',
    });
  });

  it('stores a value read from stdin and prints it back', async () => {
    const put = await cli(
      ['secrets', 'put', 'stripe_key', '--description', 'payments'],
      one,
      'sk_live_42\n',
    );
    expect(put).toEqual({
      code: 0,
      stdout: '✓ Stored secret stripe_key (key version 1)\n',
      stderr: 'read the value from stdin\n',
    });
    const get = await cli(['secrets', 'get', 'stripe_key'], one);
    expect(get).toEqual({ code: 0, stdout: 'sk_live_42', stderr: '' });
  });

  it('warns that --value is visible to other processes', async () => {
    const put = await cli(['secrets', 'put', 'b', '--value', 'bee'], one);
    expect(put.code).toBe(0);
    expect(put.stderr).toBe(
      'warning: --value is visible to other processes (ps, shell history); pipe the value on stdin instead\n',
    );
  });

  it('imports a JSON object from stdin', async () => {
    const result = await cli(
      ['secrets', 'import', '-', '--batch-size', '2'],
      one,
      JSON.stringify({ a: '1', c: '3', d: '4' }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('✓ Imported 3 secrets (3 new, 0 updated)\n');
    expect(result.stderr).toBe('imported 2/3\nimported 3/3\n');
  });

  it('refuses an import that is not an object of strings', async () => {
    const result = await cli(
      ['secrets', 'import', '-'],
      one,
      JSON.stringify({ a: 1, b: 'x' }),
    );
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: stdin: values must be strings ("a")\n',
    });
  });

  it('exits 2 for an empty secret name and shows no row', async () => {
    const result = await cli(['secrets', 'put', ''], one, 'x');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'read the value from stdin\nerror: invalid secret name "" (it is empty): a name is 1 to 255 characters, without control characters and without leading or trailing whitespace\n',
    });
  });

  it('imports nothing when any name is bad', async () => {
    const result = await cli(
      ['secrets', 'import', '-'],
      one,
      JSON.stringify({ e: '5', ' ': 'v' }),
    );
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: invalid secret name " " (it starts or ends with whitespace): a name is 1 to 255 characters, without control characters and without leading or trailing whitespace\n',
    });
  });

  it('lists names with their key versions, never the values', async () => {
    const result = await cli(['secrets', 'list', '--json'], one);
    const listed = JSON.parse(result.stdout) as {
      name: string;
      keyVersion: number;
      description: string | null;
    }[];
    expect(listed.map((s) => [s.name, s.keyVersion, s.description])).toEqual([
      ['a', 1, null],
      ['b', 1, null],
      ['c', 1, null],
      ['d', 1, null],
      ['stripe_key', 1, 'payments'],
    ]);
    expect(result.stdout).not.toContain('sk_live');
  });

  it('deletes a secret, and exits 1 for one that does not exist', async () => {
    expect((await cli(['secrets', 'delete', 'd'], one)).stdout).toBe(
      '✓ Deleted secret d\n',
    );
    expect(await cli(['secrets', 'delete', 'd'], one)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: no secret named "d"\n',
    });
  });

  it('refuses a configured key that is not the one that encrypted the secrets', async () => {
    const wrong = { FLUXBASE_SECRET_KEY_1: KEY3 };
    const put = await cli(['secrets', 'put', 'x', '--value', 'y'], wrong);
    expect(put.code).toBe(1);
    expect(put.stderr).toContain(
      'error: key version 1 in the configuration is not the key that encrypted these secrets\n',
    );
    const list = await cli(['secrets', 'list', '--json'], one);
    expect(JSON.parse(list.stdout)).toHaveLength(4);
    expectNoKey(put.stdout, put.stderr);
  });
});

describe('fluxbase-cli secrets audit and re-encrypt', () => {
  it('exits 1 and counts the secrets still at version 1', async () => {
    const result = await cli(
      ['secrets', 'audit', '--key-version', '1', '--verbose'],
      both,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'Secrets per key version:',
        '  version 1: 4 secrets (active)',
        '  version 2: 0 secrets (unused, configured as active)',
        '✗ 4 secrets found encrypted with key version 1',
        '    a',
        '    b',
        '    c',
        '    stripe_key',
        '(ciphertexts not checked: use --decrypt)',
        '',
      ].join('\n'),
    );
  });

  it('reports secrets of a version with no configured key as unreadable', async () => {
    const result = await cli(['secrets', 'audit'], {
      FLUXBASE_SECRET_KEY_2: KEY2,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '✗ 4 secrets use key version 1, which has no configured key (unreadable)\n',
    );
  });

  it('re-encrypts and prints the summary', async () => {
    const result = await cli(
      ['secrets', 're-encrypt', '--from-version', '1', '--to-version', '2'],
      both,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '✓ Scanned 4 secrets',
      '✓ Re-encrypted 4 secrets (already using new key: 0)',
      '✓ Updated 4 secrets in database',
    ]);
    expect(lines[3]).toMatch(/^✓ Completed in \d+\.\ds$/);
    expect(result.stderr).toMatch(
      /^re-encrypted 4\/4 secrets \(\d+\/s, ETA 0s\)\n/,
    );
  });

  it('exits 0 once no secret is left at version 1', async () => {
    const result = await cli(['secrets', 'audit', '--key-version', '1'], both);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      '✓ No secrets found encrypted with key version 1',
      '(ciphertexts not checked: use --decrypt)',
    ]);
    const get = await cli(['secrets', 'get', 'stripe_key'], both);
    expect(get.stdout).toBe('sk_live_42');
  });

  it('shows every key version in keys status', async () => {
    const result = await cli(['keys', 'status'], both);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'version  state         configured  secrets  age',
        '1        retired       yes         0        0d',
        '2        active*       yes         4        0d',
        '(* the configured active version)',
        '',
      ].join('\n'),
    );
  });

  it('rolls back and prints the configuration change to make', async () => {
    const result = await cli(
      ['secrets', 'rollback', '--to-version', '1', '--reason', 'leaked'],
      both,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '✓ Scanned 4 secrets',
      '✓ Re-encrypted 4 secrets (already using new key: 0)',
      '✓ Updated 4 secrets in database',
    ]);
    expect(lines.slice(4)).toEqual([
      '✓ Marked compromised: key version 2',
      '',
      'Now change the configuration:',
      '  security.encryption.active_key_version: 1',
      '  remove key version 2 from security.encryption.keys (and FLUXBASE_SECRET_KEY_2): it is compromised and never encrypts again',
    ]);
    const put = await cli(['secrets', 'put', 'n', '--value', 'v'], both);
    expect(put.code).toBe(1);
    expect(put.stderr).toContain(
      'error: key version 2 is marked compromised and never encrypts again',
    );
    expectNoKey(result.stdout, result.stderr, put.stderr);
  });

  it('refuses a rollback with nothing to roll back and exits 1', async () => {
    const result = await cli(
      ['secrets', 'rollback', '--to-version', '1', '--reason', 'again'],
      one,
    );
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: key version 1 is already the active key version and every secret uses it: there is nothing to roll back\n',
    });
  });

  it('shows a wrong configured key in keys status and exits 1', async () => {
    const result = await cli(['keys', 'status'], {
      FLUXBASE_SECRET_KEY_1: KEY3,
    });
    expect(result).toEqual({
      code: 1,
      stdout: [
        'version  state         configured  secrets  age',
        '1        active*       wrong key   4        0d',
        '2        compromised   no          0        0d',
        '(* the configured active version)',
        '',
      ].join('\n'),
      stderr:
        'warning: key version 1 in the configuration is not the key that encrypted these secrets\n',
    });
    const json = await cli(['keys', 'status', '--json'], {
      FLUXBASE_SECRET_KEY_1: KEY3,
    });
    expect(json.code).toBe(1);
    expectNoKey(result.stdout, result.stderr, json.stdout);
  });

  it('exits 2 for a flag that is not a number', async () => {
    const result = await cli(
      ['secrets', 're-encrypt', '--from-version', 'x', '--to-version', '2'],
      both,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "option '--from-version <n>' argument 'x' is invalid. must be a whole number of at least 1",
    );
  });
});
