import { defineMigration, readPackFile } from '../src/migrate/pack.ts';

// Replaces ratelimit.take() with a faster one of the same decisions that
// returns a ratelimit.decision. Going down drops both and runs 0040's file
// again, which puts its take() back and leaves the buckets as they are.
export default defineMigration({
  creates: [],
  up: ['ratelimit/take.sql'],
  down: `
    drop function ratelimit.take(text, integer, interval, integer);
    drop type ratelimit.decision;
    ${readPackFile('ratelimit/buckets.sql').text}`,
});
