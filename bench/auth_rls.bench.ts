import { benchDatabase } from './database.ts';
import {
  type Benchmark,
  type Measurement,
  measure,
  ratioOf,
} from './harness.ts';

/**
 * RLS policies that read the user id, on one table of FLUXBASE_BENCH_ROWS
 * rows (default 1 000 000) owned by 100 users, with no index on user_id so
 * that the policy runs on every row: `user_id = (select auth.uid())`
 * (evaluated once per query), a bare `auth.uid()` (inlined, evaluated per
 * row), and a plpgsql uid() that catches exceptions, bare and wrapped.
 * Parallel workers are off so that every variant scans on one core.
 */
const ROWS = Number(process.env.FLUXBASE_BENCH_ROWS ?? 1_000_000);
const USER = 7;

const SETUP = `
  create schema bench_rls;
  grant usage on schema bench_rls to authenticated;
  create table bench_rls.items (
    id bigint primary key,
    user_id uuid not null,
    payload text not null
  );
  create function bench_rls.uid_plpgsql() returns uuid
  language plpgsql stable as $$
  begin
    return (nullif(current_setting('request.jwt.claims', true), '')::jsonb
            ->> 'sub')::uuid;
  exception when others then
    return null;
  end
  $$;
  grant execute on function bench_rls.uid_plpgsql() to authenticated;
  grant select on bench_rls.items to authenticated;
  alter table bench_rls.items enable row level security;
`;

const VARIANTS = [
  { name: '(select auth.uid())', using: '(select auth.uid())', runs: 10 },
  { name: 'bare auth.uid()', using: 'auth.uid()', runs: 3 },
  {
    name: 'bare plpgsql uid() with exception handler',
    using: 'bench_rls.uid_plpgsql()',
    runs: 2,
  },
  {
    name: '(select plpgsql uid())',
    using: '(select bench_rls.uid_plpgsql())',
    runs: 10,
  },
];

function userUuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export default {
  name: 'auth: RLS policy on auth.uid()',
  async run() {
    const bench = await benchDatabase(4);
    const { db } = bench;
    try {
      await db.exec(SETUP);
      await db.query(
        `insert into bench_rls.items (id, user_id, payload)
         select g, ('00000000-0000-4000-8000-' || lpad(to_hex(g % 100), 12, '0'))::uuid,
                'row ' || g
           from generate_series(1, $1::int) g`,
        [ROWS],
      );
      await db.exec('analyze bench_rls.items');
      const claims = JSON.stringify({
        sub: userUuid(USER),
        role: 'authenticated',
      });

      const measurements: Measurement[] = [];
      let seen = 0;
      for (const variant of VARIANTS) {
        await db.exec(`
          drop policy if exists own on bench_rls.items;
          create policy own on bench_rls.items for select to authenticated
            using (user_id = ${variant.using});
        `);
        const count = () =>
          db.transaction(async (tx) => {
            await tx.query('set local max_parallel_workers_per_gather = 0');
            await tx.query('set local role authenticated');
            await tx.query(
              `select set_config('request.jwt.claims', $1, true)`,
              [claims],
            );
            const { rows } = await tx.query<{ n: string }>(
              'select count(*) as n from bench_rls.items',
            );
            seen = Number(rows[0]!.n);
          });
        await count();
        measurements.push(
          await measure(`${variant.name} (queries)`, variant.runs, async () => {
            for (let i = 0; i < variant.runs; i += 1) await count();
          }),
        );
      }
      const [select, bare, plpgsql, plpgsqlSelect] = measurements as [
        Measurement,
        Measurement,
        Measurement,
        Measurement,
      ];
      return {
        measurements,
        ratios: [
          ratioOf('(select auth.uid()) / bare auth.uid()', select, bare),
          ratioOf('(select auth.uid()) / bare plpgsql uid()', select, plpgsql),
          ratioOf('bare auth.uid() / bare plpgsql uid()', bare, plpgsql),
          ratioOf(
            '(select auth.uid()) / (select plpgsql uid())',
            select,
            plpgsqlSelect,
          ),
        ],
        notes: [
          `${ROWS} rows (FLUXBASE_BENCH_ROWS), ${seen} visible to the user; on ${db.label}`,
          'each ratio is how many times more queries per second the first policy allows',
        ],
      };
    } finally {
      await bench.drop();
    }
  },
} satisfies Benchmark;
