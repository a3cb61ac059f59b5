import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { type Benchmark, printReport } from './harness.ts';

/**
 * Runs every bench/*.bench.ts (or those whose names contain an argument)
 * and prints the ratios each measured side by side in one run.
 */
const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) process.stdout.write('no benchmarks matched\n');
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    default: Benchmark;
  };
  const report = await mod.default.run();
  printReport(mod.default.name, report);
}
