import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: ['ratelimit'],
  up: ['ratelimit/buckets.sql', 'ratelimit/limits.sql'],
  down: `
    drop schema if exists ratelimit cascade;
  `,
});
