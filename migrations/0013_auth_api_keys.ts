import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: [],
  up: ['auth/api_keys.sql'],
  down: `
    drop function if exists auth.check_api_key(text);
    drop function if exists auth.revoke_api_key(text);
    drop function if exists auth.list_api_keys();
    drop function if exists
      auth.create_api_key(text, text, text, text, text[], timestamptz);
    drop table if exists auth.api_keys;
  `,
});
