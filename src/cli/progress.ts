import type { ReEncryptResult, RotationProgress } from '../vault/rotation.ts';

const WIDTH = 24;

function eta(p: RotationProgress, rate: number): string {
  const left = Math.max(0, p.total - p.reEncrypted - p.failed);
  if (rate <= 0) return '?';
  return `${Math.ceil(left / rate)}s`;
}

/** `[██████░░░░]  60%  600/1000  2500/s  ETA 1s` */
export function progressBar(p: RotationProgress): string {
  const share = p.total === 0 ? 1 : Math.min(1, p.reEncrypted / p.total);
  const filled = Math.round(share * WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
  const rate = p.seconds > 0 ? p.reEncrypted / p.seconds : 0;
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `[${bar}] ${percent}  ${p.reEncrypted}/${p.total}  ${Math.round(rate)}/s  ETA ${eta(p, rate)}`;
}

/** A plain line for logs: `re-encrypted 600/1000 secrets (2500/s)`. */
export function progressLine(p: RotationProgress): string {
  const rate = p.seconds > 0 ? Math.round(p.reEncrypted / p.seconds) : 0;
  return `re-encrypted ${p.reEncrypted}/${p.total} secrets (${rate}/s, ETA ${eta(p, rate)})`;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, a plain
 * line otherwise; nothing at all with --json.
 */
export function progressReporter(json: boolean) {
  const tty = Boolean(process.stderr.isTTY);
  let drawn = false;
  return {
    update(p: RotationProgress) {
      if (json) return;
      if (tty) {
        process.stderr.write(`\r${progressBar(p)}`);
        drawn = true;
      } else process.stderr.write(`${progressLine(p)}\n`);
    },
    done() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

function failures(r: ReEncryptResult): string[] {
  if (r.failed.length === 0) return [];
  return [
    `✗ ${r.failed.length} secrets did not decrypt with key version ${r.fromVersion} and were left as they are:`,
    ...r.failed.map((f) => `    ${f.name}`),
  ];
}

/** What is still at the old version, if anything. */
function leftBehind(r: ReEncryptResult): string[] {
  if (r.interrupted) {
    return [
      `✗ Interrupted with ${r.remaining} secrets still at key version ${r.fromVersion}: run the same command again to continue`,
    ];
  }
  if (r.remaining > r.failed.length) {
    return [
      `✗ ${r.remaining} secrets are still at key version ${r.fromVersion}`,
    ];
  }
  return [];
}

/**
 * The last line: completed only when nothing was left behind.
 *
 * @example
 * lastLine(result); // '✓ Completed in 0.3s'
 */
function lastLine(r: ReEncryptResult): string {
  const seconds = r.seconds.toFixed(1);
  if (r.interrupted) {
    return `✗ Stopped after ${seconds}s; run the same command again to continue`;
  }
  if (r.remaining > 0) {
    return `✗ Finished in ${seconds}s with ${r.remaining} secrets left at key version ${r.fromVersion}`;
  }
  return `✓ Completed in ${seconds}s`;
}

/**
 * The summary of a re-encryption run, line by line.
 *
 * @example
 * for (const line of rotationSummary(result)) console.log(line);
 */
export function rotationSummary(r: ReEncryptResult): string[] {
  return [
    `✓ Scanned ${r.scanned} secrets`,
    `✓ Re-encrypted ${r.reEncrypted} secrets (already using new key: ${r.alreadyCurrent})`,
    `✓ Updated ${r.updated} secrets in database`,
    ...failures(r),
    ...leftBehind(r),
    lastLine(r),
  ];
}
