import { type Command, InvalidArgumentError, Option } from 'commander';

import {
  type ApiKeyInfo,
  createApiKey,
  listApiKeys,
  listSessions,
  purgeRevocations,
  REQUEST_ROLES,
  type RequestRole,
  revokeApiKey,
  revokeUserSessions,
  type SessionRow,
  userExists,
} from '../auth/index.ts';
import { parseDuration } from '../config/duration.ts';
import type { CommandContext } from './context.ts';
import { print, printError, printJson } from './output.ts';
import { action } from './run.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function userId(value: string): string {
  if (!UUID.test(value))
    throw new InvalidArgumentError('must be a user id (a UUID)');
  return value;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    throw new InvalidArgumentError(
      'must be a duration such as 30d, 12h or 90d',
    );
  }
  return ms;
}

function scopes(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function when(date: Date | null): string {
  return date ? date.toISOString() : '-';
}

async function revokeAll(
  ctx: CommandContext,
  user: string,
  flags: { reason?: string },
) {
  const db = await ctx.database();
  if (!(await userExists(db, user))) {
    printError(
      `no user has the id ${user}: nothing was revoked (check the id with your users table)`,
    );
    return 1;
  }
  const revoked = await revokeUserSessions(db, user, flags.reason);
  if (ctx.json) printJson({ user_id: user, revoked_sessions: revoked });
  else
    print(
      `revoked ${revoked} live session(s) of ${user}; every earlier token of the user is refused`,
    );
  return 0;
}

function sessionState(s: SessionRow): string {
  if (s.revoked_at) return `revoked (${s.revoke_reason ?? 'no reason'})`;
  return s.not_after.getTime() <= Date.now() ? 'expired' : 'live';
}

async function sessions(ctx: CommandContext, user: string) {
  const rows = await listSessions(await ctx.database(), user);
  if (ctx.json) {
    printJson(rows);
    return 0;
  }
  if (rows.length === 0) print(`no sessions for ${user}`);
  for (const s of rows) {
    print(
      `${s.id}  ${sessionState(s).padEnd(10)}  created ${when(s.created_at)}  ends ${when(s.not_after)}  ${s.ip ?? '-'}  ${s.user_agent ?? '-'}`,
    );
  }
  return 0;
}

async function createKey(
  ctx: CommandContext,
  name: string,
  flags: { role: RequestRole; expiresIn?: number; scopes?: string[] },
) {
  const expiresAt = flags.expiresIn
    ? new Date(Date.now() + flags.expiresIn)
    : undefined;
  const created = await createApiKey(await ctx.database(), {
    name,
    role: flags.role,
    scopes: flags.scopes ?? [],
    expiresAt,
  });
  if (ctx.json) printJson(created);
  else print(created.key);
  ctx.log(
    `API key ${name} (${created.prefix}…, ${created.role}) created: store it now, it is not shown again`,
  );
  return 0;
}

function keyState(k: ApiKeyInfo): string {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && k.expires_at.getTime() <= Date.now()) return 'expired';
  return 'live';
}

async function listKeys(ctx: CommandContext) {
  const keys = await listApiKeys(await ctx.database());
  if (ctx.json) {
    printJson(keys);
    return 0;
  }
  if (keys.length === 0) print('no API keys');
  for (const k of keys) {
    const scope = k.scopes.length ? k.scopes.join(',') : '-';
    print(
      `${k.name}  ${k.prefix}…  ${k.role}  ${keyState(k)}  scopes ${scope}  expires ${when(k.expires_at)}  last used ${when(k.last_used_at)}`,
    );
  }
  return 0;
}

async function revokeKey(ctx: CommandContext, name: string) {
  const revoked = await revokeApiKey(await ctx.database(), name);
  if (ctx.json) printJson({ name, revoked });
  if (!revoked) {
    printError(
      `no live API key named ${name} (see: fluxbase-cli auth api-keys list)`,
    );
    return 1;
  }
  if (!ctx.json) print(`revoked API key ${name}`);
  return 0;
}

async function purge(ctx: CommandContext) {
  const purged = await purgeRevocations(await ctx.database());
  if (ctx.json) printJson({ purged });
  else
    print(`purged ${purged} revocation(s) of tokens that have expired anyway`);
  return 0;
}

function registerApiKeys(auth: Command): void {
  const keys = auth.command('api-keys').description('API keys for machines');

  keys
    .command('create')
    .description('make a key and print it once')
    .argument('<name>', 'a name for the key, unique among live keys')
    .addOption(
      new Option('--role <role>', 'the role requests with the key run as')
        .choices(REQUEST_ROLES)
        .makeOptionMandatory(),
    )
    .option(
      '--expires-in <duration>',
      'lifetime, e.g. 90d (default: none)',
      duration,
    )
    .option('--scopes <list>', 'comma-separated scopes', scopes)
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli auth api-keys create ci --role service_role --expires-in 90d',
    )
    .action(action(createKey));

  keys
    .command('list')
    .description('list keys (prefix only, never the key)')
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli auth api-keys list --json',
    )
    .action(action(listKeys));

  keys
    .command('revoke')
    .description('revoke the live key with this name; exit 1 when none')
    .argument('<name>', 'the key name')
    .addHelpText('after', '\nExample:\n  fluxbase-cli auth api-keys revoke ci')
    .action(action(revokeKey));
}

/** `fluxbase-cli auth revoke-user-sessions | sessions | api-keys | purge` */
export function registerAuth(program: Command): void {
  const auth = program
    .command('auth')
    .description('sessions, revocations and API keys');

  auth
    .command('revoke-user-sessions')
    .description('revoke every session and every earlier token of a user')
    .argument('<user-id>', 'the user id (a UUID)', userId)
    .option('--reason <text>', 'recorded with the revocation')
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli auth revoke-user-sessions 6f1d2c3b-4a59-4e68-9d7c-8b9a0f1e2d3c --reason "laptop stolen"',
    )
    .action(action(revokeAll));

  auth
    .command('sessions')
    .description("list a user's sessions, newest first")
    .argument('<user-id>', 'the user id (a UUID)', userId)
    .addHelpText(
      'after',
      '\nExample:\n  fluxbase-cli auth sessions 6f1d2c3b-4a59-4e68-9d7c-8b9a0f1e2d3c',
    )
    .action(action(sessions));

  registerApiKeys(auth);

  auth
    .command('purge')
    .description('drop revocations of tokens that have expired anyway')
    .addHelpText('after', '\nExample:\n  fluxbase-cli auth purge')
    .action(action(purge));
}
