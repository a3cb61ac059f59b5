import { defineMigration } from '../src/migrate/pack.ts';

export default defineMigration({
  creates: [],
  up: ['auth/revocations.sql'],
  down: `
    drop function if exists auth.assert_session();
    drop function if exists auth.purge_revocations();
    drop function if exists auth.is_revoked(jsonb);
    drop function if exists auth.revoke_user_sessions(uuid, text);
    drop function if exists auth.revoke_session(uuid, text);
    drop function if exists auth.revoke_token(text, timestamptz, text);
    drop function if exists auth.notify_revocation(text, text);
    drop table if exists auth.revocations;
    drop function if exists auth.revocation_key(text, text);
  `,
});
