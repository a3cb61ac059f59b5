import pg from 'pg';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/rl_scratch', max: 16 });
const OPS = 4000;
const tot: Record<string, [number, number]> = {};
async function run(name: string, text: string, args: (i: number) => unknown[]) {
  const per = OPS / 16;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async (_, w) => {
    for (let i = 0; i < per; i++) await pool.query(text, args(w * per + i));
  }));
  const s = (performance.now() - t0) / 1000;
  const e = (tot[name] ??= [0, 0]); e[0] += OPS; e[1] += s;
}
const F = `insert into bench_floor as b (key, tokens, updated_ms) values ($1, 1, $2) on conflict (key) do update set tokens = b.tokens + 1, updated_ms = excluded.updated_ms`;
for (let r = 0; r < 12; r++) {
  await run('floor', F, (i) => [`k${i % 10000}`, Date.now()]);
  await run('take_n', `select * from ratelimit.take_n($1, 1000000000, interval '1 minute')`, (i) => [`k${i % 10000}`]);

  await run('take_n2', `select * from ratelimit.take_n2($1, 1000000000, interval '1 minute')`, (i) => [`k${i % 10000}`]);
  await run('take_n3', `select * from ratelimit.take_n3($1, 1000000000, interval '1 minute')`, (i) => [`k${i % 10000}`]);
  await run('take_e plpgsql min', `select * from ratelimit.take_e($1, 1000000000, interval '1 minute', 1, $2)`, (i) => [`k${i % 10000}`, Date.now()]);

}
for (const [k, [o, s]] of Object.entries(tot)) console.log(k.padEnd(20), Math.round(o / s), (o / s / (tot.floor![0] / tot.floor![1])).toFixed(3));
await pool.end();
