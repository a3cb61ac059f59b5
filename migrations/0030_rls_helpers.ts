import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: ['rls'],
  up: ['rls/helpers.sql'],
  down: `
    drop schema if exists rls cascade;
  `,
});
