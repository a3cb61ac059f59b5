import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: ['auth'],
  up: ['fluxbase/bookkeeping.sql', 'roles.sql', 'auth/context.sql'],
  down: `
    drop schema if exists auth cascade;
  `,
});
