import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MIGRATIONS_DIR } from '../../src/migrate/pack.ts';

const PACK = join(import.meta.dirname, '../../src/migrate/pack.ts');

/**
 * A migrations folder holding the pack's own migrations plus extra ones
 * whose SQL files live in a temporary sql folder; returns both paths.
 */
export function migrationsWith(
  extra: Record<string, { sql: Record<string, string>; down?: string }>,
): { dir: string; sqlDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'fluxbase-migrations-'));
  const dir = join(root, 'migrations');
  const sqlDir = join(root, 'sql');
  mkdirSync(dir);
  mkdirSync(sqlDir);
  for (const file of readdirSync(MIGRATIONS_DIR)) {
    const text = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    const fixed = text.replace('../src/migrate/pack.ts', PACK);
    writeFileSync(join(dir, file), fixed);
  }

  for (const [name, spec] of Object.entries(extra)) {
    for (const [file, text] of Object.entries(spec.sql)) {
      writeFileSync(join(sqlDir, file), text);
    }
    writeFileSync(
      join(dir, `${name}.ts`),
      `import { defineMigration } from ${JSON.stringify(PACK)};
export default defineMigration({
  creates: [],
  sqlDir: ${JSON.stringify(sqlDir)},
  up: ${JSON.stringify(Object.keys(spec.sql))},
  down: ${JSON.stringify(spec.down ?? '')},
});
`,
    );
  }
  return { dir, sqlDir };
}
