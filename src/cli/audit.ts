import type { Command } from 'commander';

import { formatChecklistItem, runChecklist } from '../audit/checklist.ts';
import type { CommandContext } from './context.ts';
import { print, printJson } from './output.ts';
import { action } from './run.ts';

async function audit(ctx: CommandContext) {
  const db = await ctx.database();
  const items = await runChecklist({ loaded: ctx.loaded, db });
  const failed = items.filter((i) => !i.ok).length;
  if (ctx.json) {
    printJson({ items, failed });
  } else {
    for (const item of items) print(formatChecklistItem(item));
    print(`\n${items.length - failed} of ${items.length} checks pass`);
  }
  return failed > 0 ? 1 : 0;
}

/** `fluxbase-cli audit` */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description(
      "run the security guide's checklist; exit 1 when an item fails",
    )
    .addHelpText(
      'after',
      '\nExample:\n  FLUXBASE_ENV=production fluxbase-cli audit --json',
    )
    .action(action(audit, { environmentCheck: false }));
}
