import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runTap } from '../src/testing/tap.ts';
import { freshDatabase, type TestDatabase } from './support/db.ts';

const DIR = join(import.meta.dirname, 'pgtap');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
  await t.db.exec('create extension if not exists pgtap');
});
afterAll(() => t.drop());

describe('pgTAP', () => {
  it.each(files)('%s passes every test', async (file) => {
    const result = await runTap(t.db, readFileSync(join(DIR, file), 'utf8'));
    expect(result.failed, result.lines.join('\n')).toEqual([]);
    expect(result.planned, 'the script declares a plan').toBeGreaterThan(0);
    expect(result.passed).toBe(result.planned);
  });
});
