import type { RotationProgress } from '../vault/rotation.ts';

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
