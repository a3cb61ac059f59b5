import { performance } from 'node:perf_hooks';

/** One measured figure of a benchmark. */
export interface Measurement {
  name: string;
  /** Operations done in the timed part. */
  ops: number;
  seconds: number;
}

/** A ratio printed beside its goal (goal undefined: printed for scale). */
export interface Ratio {
  name: string;
  value: number;
  goal?: number;
}

export interface BenchReport {
  measurements: Measurement[];
  ratios: Ratio[];
  notes?: string[];
}

/** What a file of bench/ exports by default. */
export interface Benchmark {
  name: string;
  run(): Promise<BenchReport>;
}

/** Times `fn`, which does `ops` operations. */
export async function measure(
  name: string,
  ops: number,
  fn: () => Promise<void>,
): Promise<Measurement> {
  const start = performance.now();
  await fn();
  return { name, ops, seconds: (performance.now() - start) / 1000 };
}

/** Operations per second of a measurement. */
export function rate(m: Measurement): number {
  return m.ops / m.seconds;
}

/** The throughput of `a` over that of `b`, both measured in this run. */
export function ratioOf(
  name: string,
  a: Measurement,
  b: Measurement,
  goal?: number,
): Ratio {
  return { name, value: rate(a) / rate(b), goal };
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

/** Prints a report as aligned lines. */
export function printReport(bench: string, report: BenchReport): boolean {
  const out: string[] = [`\n== ${bench}`];
  for (const m of report.measurements) {
    out.push(
      `  ${m.name.padEnd(52)} ${fmt(rate(m)).padStart(10)} ops/s  (${m.ops} in ${m.seconds.toFixed(2)} s)`,
    );
  }
  let ok = true;
  for (const r of report.ratios) {
    const met = r.goal === undefined || r.value >= r.goal;
    ok &&= met;
    const goal =
      r.goal === undefined
        ? ''
        : `  goal >= ${r.goal}  ${met ? 'met' : 'NOT MET'}`;
    out.push(
      `  ratio ${r.name.padEnd(46)} ${r.value.toFixed(3).padStart(10)}${goal}`,
    );
  }
  for (const note of report.notes ?? []) out.push(`  ${note}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return ok;
}
