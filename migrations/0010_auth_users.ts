import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: [],
  up: ['auth/users.sql'],
  down: `
    drop function if exists auth.user_for_sign_in(text);
    drop function if exists auth.sign_up(text, text, jsonb);
    drop table if exists auth.users;
    drop function if exists auth.touch_updated_at();
  `,
});
