import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: ['vault'],
  up: [
    'vault/schema.sql',
    'vault/keys.sql',
    'vault/secrets.sql',
    'vault/rotation_jobs.sql',
    'vault/events.sql',
  ],
  down: `
    drop schema if exists vault cascade;
  `,
});
