import { defineMigration, readPackFile } from '../src/migrate/pack.ts';

/**
 * The take() of 0040, as its file defines it: from its CREATE to the
 * GRANT that follows. Only that part, so that going down leaves a
 * replaced ratelimit.clock_ms() and the rest of 0040 as they are.
 */
function takeOf0040(): string {
  const text = readPackFile('ratelimit/buckets.sql').text;
  const start = text.indexOf('create or replace function ratelimit.take(');
  const grant =
    'grant execute on function ratelimit.take(text, integer, interval, integer)\n  to service_role;';
  const end = text.indexOf(grant, start);
  if (start === -1 || end === -1) {
    throw new Error('sql/ratelimit/buckets.sql no longer defines take()');
  }
  return text.slice(start, end + grant.length);
}

// Replaces ratelimit.take() with a faster one of the same decisions that
// returns a ratelimit.decision. Going down drops both and puts 0040's
// take() back; the buckets stay.
export default defineMigration({
  creates: [],
  up: ['ratelimit/take.sql'],
  down: `
    drop function ratelimit.take(text, integer, interval, integer);
    drop type ratelimit.decision;
    ${takeOf0040()}`,
});
