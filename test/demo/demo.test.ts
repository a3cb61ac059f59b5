import { describe, expect, it } from 'vitest';

import { runCli } from '../support/cli.ts';

describe('fluxbase-cli demo', () => {
  it('tours the whole pack on a throwaway database and exits 0', async () => {
    const result = await runCli(['demo']);
    expect(result.code).toBe(0);

    const out = result.stdout;
    const steps = out.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(steps).toEqual([
      '1. Install the pack into a fresh embedded PostgreSQL',
      '2. Two users sign up and sign in',
      '3. user_profiles is protected with rls.owner_policies',
      '4. Ada signs out; her old token is refused',
      '5. Secrets are stored under key version 1, then rotated to version 2',
      '6. The linter flags a table left without RLS',
      '7. The 101st anonymous request in a minute is rate limited',
    ]);
    expect(out).toContain('   ada sees 1 row: "ada writes here"\n');
    expect(out).toContain('   bob sees 1 row: "bob writes here"\n');
    expect(out).toContain('   anon sees 0 rows\n');
    expect(out).toContain('   verify(old token) fails with token_revoked\n');
    expect(out).toContain('   re-encrypted 200 secrets to key version 2\n');
    expect(out).toContain('   No secrets found encrypted with key version 1\n');
    expect(out).toContain(
      '   ERROR rls_disabled public.payments: row level security is disabled on table public.payments',
    );
    expect(out).toContain('   request 100: allowed=true, remaining=0\n');
    expect(out).toContain('   request 101: allowed=false, retry after 1 s\n');
    expect(out).toMatch(/\nDone in \d+\.\d s\.\n$/);
  });
});
