import { lintDatabase } from '../src/lint/runner.ts';
import { benchDatabase } from './database.ts';
import { type BenchReport, type Measurement, measure } from './harness.ts';

const SMALL = 500;
const LARGE = 5_000;
const BATCH = 250;

/**
 * Tables from..to in schema bench, each with RLS on, an index on its
 * owner column for every other one, and two policies: one with
 * (select auth.uid()) and one with a bare auth.uid(), so that the policy
 * rules have trees to read and findings to report.
 */
function tablesSql(from: number, to: number): string {
  return `do $bench$
begin
  for i in ${from}..${to} loop
    execute format('create table bench.%I (id bigint primary key, user_id uuid, body text)', 't' || i);
    execute format('alter table bench.%I enable row level security', 't' || i);
    execute format('grant select, insert on bench.%I to authenticated', 't' || i);
    if i % 2 = 0 then
      execute format('create index on bench.%I (user_id)', 't' || i);
    end if;
    execute format('create policy own on bench.%I for select to authenticated using (user_id = (select auth.uid()))', 't' || i);
    execute format('create policy add on bench.%I for insert to authenticated with check (user_id = auth.uid())', 't' || i);
  end loop;
end
$bench$;`;
}

async function grow(
  db: { exec(s: string): Promise<unknown> },
  from: number,
  to: number,
) {
  for (let start = from; start <= to; start += BATCH) {
    await db.exec(tablesSql(start, Math.min(start + BATCH - 1, to)));
  }
}

type LintDb = Parameters<typeof lintDatabase>[0]['db'];

async function lintOnce(db: LintDb) {
  const report = await lintDatabase({ db, schemas: ['bench'] });
  return report.findings.length;
}

/** The fastest of three timed runs, after one to warm the caches. */
async function fastest(db: LintDb, tables: number) {
  await lintOnce(db);
  let best: Measurement | undefined;
  let findings = 0;
  for (let i = 0; i < 3; i++) {
    const m = await measure(`lint ${tables} tables`, tables, async () => {
      findings = await lintOnce(db);
    });
    if (!best || m.seconds < best.seconds) best = m;
  }
  return { m: best!, findings };
}

export default {
  name: 'lint: 500 and 5,000 tables (1,000 and 10,000 policies)',
  async run(): Promise<BenchReport> {
    const { db, drop } = await benchDatabase(4);
    try {
      await db.exec(
        'create schema bench; grant usage on schema bench to authenticated',
      );
      await grow(db, 1, SMALL);
      const { m: a, findings: small } = await fastest(db, SMALL);
      await grow(db, SMALL + 1, LARGE);
      const { m: b, findings: large } = await fastest(db, LARGE);
      const growth = b.seconds / a.seconds;
      return {
        measurements: [a, b],
        ratios: [
          {
            name: 'tables/s at 5,000 over tables/s at 500 (1 = linear)',
            value: LARGE / b.seconds / (SMALL / a.seconds),
            goal: 0.5,
          },
        ],
        notes: [
          `${SMALL} tables, ${2 * SMALL} policies: ${a.seconds.toFixed(2)} s, ${small} findings`,
          `${LARGE} tables, ${2 * LARGE} policies: ${b.seconds.toFixed(2)} s, ${large} findings`,
          `growth from ${SMALL} to ${LARGE} tables: x${growth.toFixed(1)} in time for x${LARGE / SMALL} in size`,
        ],
      };
    } finally {
      await drop();
    }
  },
};
