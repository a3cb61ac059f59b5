import { randomBytes } from 'node:crypto';
import { withAuth } from '../auth/context.ts';
import { createAuth } from '../auth/create.ts';
import { AuthError } from '../auth/errors.ts';
import type { AuthClaims } from '../auth/shared.ts';
import type { EncryptionConfig } from '../config/schema.ts';
import { openEmbedded } from '../db/pglite.ts';
import type { Database } from '../db/shared.ts';
import { lintDatabase } from '../lint/runner.ts';
import { migrateUp } from '../migrate/runner.ts';
import { createRateLimiter } from '../ratelimit/limiter.ts';
import { audit } from '../vault/audit.ts';
import { reEncrypt } from '../vault/rotation.ts';
import { openVault } from '../vault/store.ts';

/** Where the tour writes: a narration line, or a line of detail. */
export interface TourOutput {
  step(title: string): void;
  line(text: string): void;
}

type Step = (db: Database, out: TourOutput, state: TourState) => Promise<void>;

interface TourState {
  tokens: Record<'ada' | 'bob', string>;
  claims: Record<'ada' | 'bob', AuthClaims>;
  auth: ReturnType<typeof createAuth>;
}

const PASSWORD = 'correct horse battery staple';

function keyHex(): string {
  return randomBytes(32).toString('hex');
}

const migrate: Step = async (db, out) => {
  out.step('Install the pack into a fresh embedded PostgreSQL');
  const { migrations } = await migrateUp({ db });
  out.line(`applied ${migrations.length} migrations: ${migrations.join(', ')}`);
};

const signUp: Step = async (_db, out, state) => {
  out.step('Two users sign up and sign in');
  for (const name of ['ada', 'bob'] as const) {
    const email = `${name}@example.com`;
    await state.auth.signUp({ email, password: PASSWORD });
    const { session } = await state.auth.signIn({ email, password: PASSWORD });
    state.tokens[name] = session.access_token;
    state.claims[name] = await state.auth.verify(session.access_token);
    out.line(
      `${email}: id ${session.user.id}, token expires in ${session.expires_in} s`,
    );
  }
};

const protect: Step = async (db, out, state) => {
  out.step('user_profiles is protected with rls.owner_policies');
  await db.exec(`
    create table public.user_profiles (
      id bigint generated always as identity primary key,
      user_id uuid not null references auth.users (id),
      bio text not null
    );
    grant select, insert, update, delete on public.user_profiles to authenticated;
    grant select on public.user_profiles to anon;
    select rls.enable('public.user_profiles');
    select rls.owner_policies('public.user_profiles', 'user_id');
  `);
  for (const name of ['ada', 'bob'] as const) {
    await withAuth(db, state.claims[name], (tx) =>
      tx.query(
        'insert into public.user_profiles (user_id, bio) values (auth.uid(), $1)',
        [`${name} writes here`],
      ),
    );
  }
  for (const name of ['ada', 'bob'] as const) {
    const { rows } = await withAuth(db, state.claims[name], (tx) =>
      tx.query<{ bio: string }>('select bio from public.user_profiles'),
    );
    out.line(
      `${name} sees ${rows.length} row: ${rows.map((r) => JSON.stringify(r.bio)).join(', ')}`,
    );
  }
  const anon = await withAuth(db, { role: 'anon' }, (tx) =>
    tx.query('select * from public.user_profiles'),
  );
  out.line(`anon sees ${anon.rows.length} rows`);
};

const signOut: Step = async (_db, out, state) => {
  out.step('Ada signs out; her old token is refused');
  await state.auth.signOut(state.tokens.ada);
  try {
    await state.auth.verify(state.tokens.ada);
    out.line('the old token was accepted (unexpected)');
  } catch (error) {
    const code = error instanceof AuthError ? error.code : String(error);
    out.line(`verify(old token) fails with ${code}`);
  }
};

function encryption(keys: string[], active: number): EncryptionConfig {
  return {
    provider: 'local',
    active_key_version: active,
    keys: keys.map((key, i) => ({ version: i + 1, key })),
  } as EncryptionConfig;
}

const rotate: Step = async (db, out) => {
  out.step('Secrets are stored under key version 1, then rotated to version 2');
  const [k1, k2] = [keyHex(), keyHex()];
  const v1 = await openVault({ db, config: encryption([k1], 1), env: {} });
  await v1.import(
    Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`api_key_${i}`, `sk_${keyHex()}`]),
    ),
  );
  out.line('stored 200 secrets under key version 1');

  const v2 = await openVault({ db, config: encryption([k1, k2], 2), env: {} });
  const result = await reEncrypt(v2, {
    fromVersion: 1,
    toVersion: 2,
    batchSize: 50,
    onBatch: (n) => out.line(`  ${n} of 200 re-encrypted`),
  });
  out.line(`re-encrypted ${result.reEncrypted} secrets to key version 2`);
  const check = await audit(v2, { keyVersion: 1 });
  const left = check.audited.find((a) => a.version === 1)?.count ?? 0;
  out.line(
    left === 0
      ? 'No secrets found encrypted with key version 1'
      : `${left} secrets still on version 1`,
  );
  out.line(
    `api_key_0 still reads back: ${(await v2.get('api_key_0'))?.toString().slice(0, 6)}…`,
  );
};

const lint: Step = async (db, out) => {
  out.step('The linter flags a table left without RLS');
  await db.exec(`
    create table public.payments (id bigint primary key, user_id uuid, amount_cents int);
    grant select on public.payments to anon, authenticated;
  `);
  const report = await lintDatabase({ db, schemas: ['public'] });
  for (const f of report.findings.filter(
    (x) => x.object === 'public.payments',
  )) {
    out.line(`${f.level} ${f.rule} ${f.object}: ${f.message}`);
    out.line(`  fix: ${f.fix.split('\n').join('\n       ')}`);
  }
};

const limit: Step = async (db, out) => {
  out.step('The 101st anonymous request in a minute is rate limited');
  const limiter = createRateLimiter({ backend: 'postgres', db, window: '1m' });
  let last = await limiter.consume({ key: '203.0.113.7', role: 'anon' });
  for (let i = 2; i <= 100; i++) {
    last = await limiter.consume({ key: '203.0.113.7', role: 'anon' });
  }
  out.line(`request 100: allowed=${last.allowed}, remaining=${last.remaining}`);
  const over = await limiter.consume({ key: '203.0.113.7', role: 'anon' });
  out.line(
    `request 101: allowed=${over.allowed}, retry after ${Math.ceil(over.retryAfterMs / 1000)} s`,
  );
};

const STEPS: readonly Step[] = [
  migrate,
  signUp,
  protect,
  signOut,
  rotate,
  lint,
  limit,
];

/**
 * A narrated tour of the whole pack on a fresh in-memory embedded
 * database: migrate, sign-up, RLS, sign-out, key rotation, the linter and
 * rate limiting.
 *
 * @example
 * await runTour({ step: (t) => console.log(`\n${t}`), line: (l) => console.log(`  ${l}`) });
 */
export async function runTour(out: TourOutput): Promise<void> {
  const db = await openEmbedded(undefined);
  const auth = createAuth({
    db,
    jwt: {
      secret: randomBytes(32).toString('base64'),
      expiry: '1h',
      refreshExpiry: '720h',
    },
    password: { N: 2 ** 12, r: 8, p: 1 },
  });
  const state = { tokens: {}, claims: {}, auth } as TourState;
  try {
    for (const step of STEPS) await step(db, out, state);
  } finally {
    await auth.close();
    await db.close();
  }
}
