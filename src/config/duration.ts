const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/**
 * Milliseconds in a duration such as `90s`, `1m`, `1h`, `720h` or `90d`;
 * undefined when the text is not one.
 *
 * @example
 * parseDuration('1h'); // 3600000
 */
export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (UNITS[match[2]!] ?? 0));
}

/** The same as `parseDuration`, but throws on bad text. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new TypeError(
      `not a duration: ${JSON.stringify(text)} (use e.g. 30s, 1m, 1h, 90d)`,
    );
  }
  return ms;
}
