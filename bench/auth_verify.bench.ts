import { randomBytes } from 'node:crypto';

import { jwtVerify } from 'jose';

import { createAuth } from '../src/auth/index.ts';
import { importSecret } from '../src/auth/tokens.ts';
import { benchDatabase } from './database.ts';
import {
  type Benchmark,
  type Measurement,
  measure,
  ratioOf,
} from './harness.ts';

/**
 * `verify()` of one access token with a warm revocation cache, against
 * bare jose `jwtVerify` of the same token with the same key, in the same
 * run. The rounds alternate and the best round of each side counts.
 */
const OPS = Number(process.env.FLUXBASE_BENCH_VERIFY_OPS ?? 20_000);
const ROUNDS = 5;

function best(a: Measurement, b: Measurement | undefined): Measurement {
  return !b || a.seconds < b.seconds ? a : b;
}

export default {
  name: 'auth: verify() against bare jose jwtVerify',
  async run() {
    const bench = await benchDatabase(4);
    const secret = randomBytes(32).toString('base64');
    const auth = createAuth({
      db: bench.db,
      jwt: { secret },
      password: { N: 2 ** 12, r: 8, p: 1 },
    });
    try {
      await auth.ready();
      const { session } = await auth.signUp({
        email: 'bench@example.com',
        password: 'bench-password',
      });
      const token = session.access_token;
      const key = await importSecret(secret);
      await auth.verify(token);

      let ours: Measurement | undefined;
      let bare: Measurement | undefined;
      for (let round = 0; round < ROUNDS; round += 1) {
        bare = best(
          await measure('bare jose jwtVerify (HS256)', OPS, async () => {
            for (let i = 0; i < OPS; i += 1) {
              await jwtVerify(token, key, { algorithms: ['HS256'] });
            }
          }),
          bare,
        );
        ours = best(
          await measure(
            'verify() with a warm revocation cache',
            OPS,
            async () => {
              for (let i = 0; i < OPS; i += 1) await auth.verify(token);
            },
          ),
          ours,
        );
      }
      return {
        measurements: [ours!, bare!],
        ratios: [ratioOf('verify() / bare jwtVerify', ours!, bare!, 0.8)],
        notes: [`best of ${ROUNDS} alternating rounds of ${OPS} verifications`],
      };
    } finally {
      await auth.close();
      await bench.drop();
    }
  },
} satisfies Benchmark;
