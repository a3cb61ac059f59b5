import type { Command } from 'commander';

import { runTour } from '../demo/tour.ts';
import { print } from './output.ts';
import { action } from './run.ts';

async function demo() {
  let n = 0;
  const started = Date.now();
  await runTour({
    step: (title) => print(`\n${++n}. ${title}`),
    line: (text) => print(`   ${text}`),
  });
  print(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return 0;
}

/** `fluxbase-cli demo` */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'a narrated tour of the whole pack on a throwaway embedded database',
    )
    .addHelpText('after', '\nExample:\n  fluxbase-cli demo')
    .action(action(demo, { environmentCheck: false }));
}
