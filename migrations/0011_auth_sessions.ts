import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: [],
  up: ['auth/sessions.sql', 'auth/refresh_tokens.sql'],
  down: `
    drop function if exists auth.rotate_refresh_token(text, text);
    drop function if exists
      auth.start_session(uuid, timestamptz, text, text, inet, text);
    drop table if exists auth.refresh_tokens;
    drop function if exists auth.user_sessions(uuid);
    drop table if exists auth.sessions;
  `,
});
