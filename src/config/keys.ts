import { ConfigError, type ConfigProblem } from './errors.ts';
import { kmsWrapper } from './kms.ts';
import {
  type EncryptionConfig,
  isKeyText,
  normaliseKey,
  VAULT_REF,
} from './schema.ts';
import { readVaultKv } from './vault-kv.ts';

/** Wraps and unwraps data keys with a KMS master key (envelope). */
export interface KeyWrapper {
  /** The KMS key that wraps every data key. */
  readonly keyId: string;
  /** A new 256-bit data key, in clear and wrapped. */
  generate(): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  /** The clear data key of a wrapped one. */
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

/** The keys a process holds, with where each came from. */
export interface ResolvedKeys {
  /** The version that encrypts new secrets, if one is known. */
  active: number | undefined;
  keys: Map<number, Buffer>;
  /** `security.encryption.keys[0].key`, `FLUXBASE_SECRET_KEY_2`, … */
  sources: Map<number, string>;
  /** With provider aws_kms: the data keys live wrapped in vault.keys. */
  wrapper: KeyWrapper | undefined;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
}

const ENV_KEY = /^FLUXBASE_SECRET_KEY_([1-9]\d*)$/;
const SINGLE_KEYS = ['FLUXBASE_SECRET_KEY', 'SECRET_KEY'] as const;
const KEY_MESSAGE = 'must be 64 hex characters or base64 of 32 bytes';

/**
 * Turns key text (64 hex characters or base64 of 32 bytes) into bytes.
 *
 * @example
 * keyBytes('00'.repeat(32)).length; // 32
 */
export function keyBytes(text: string): Buffer {
  return Buffer.from(normaliseKey(text), 'hex');
}

/** One key found, before the checks across keys. */
interface Found {
  version: number;
  text: string;
  source: string;
}

function fromEnv(env: NodeJS.ProcessEnv, problems: ConfigProblem[]) {
  const found: Found[] = [];
  for (const [name, value] of Object.entries(env)) {
    const match = ENV_KEY.exec(name);
    if (!match || !value) continue;
    found.push({ version: Number(match[1]), text: value, source: name });
  }
  const singles = SINGLE_KEYS.filter((name) => env[name]);
  const [first, second] = singles;
  if (first && second && env[first] !== env[second]) {
    problems.push({
      path: '',
      where: `${first} and ${second}`,
      message: 'both are set, to different keys: keep one',
    });
  }
  if (first) found.push({ version: 1, text: env[first]!, source: first });
  return found;
}

async function fromFile(
  config: EncryptionConfig,
  env: NodeJS.ProcessEnv,
): Promise<Found[]> {
  const found: Found[] = [];
  for (const [index, entry] of config.keys.entries()) {
    if (entry.key === undefined) continue;
    const source = `security.encryption.keys[${index}].key`;
    const ref = VAULT_REF.exec(entry.key);
    const text = ref ? await readVaultKv(ref[1]!, env) : entry.key;
    found.push({ version: entry.version, text, source });
  }
  return found;
}

function problemAt(item: Found, message: string): ConfigProblem {
  if (item.source.startsWith('security.')) {
    return { path: item.source, message };
  }
  return { path: '', where: item.source, message };
}

function checkFound(all: Found[], problems: ConfigProblem[]) {
  const keys = new Map<number, Found>();
  const byText = new Map<string, Found>();
  for (const item of all) {
    if (!isKeyText(item.text)) {
      problems.push(problemAt(item, KEY_MESSAGE));
      continue;
    }
    const same = keys.get(item.version);
    const norm = normaliseKey(item.text);
    if (same && normaliseKey(same.text) !== norm) {
      problems.push(
        problemAt(
          item,
          `key version ${item.version} is also given by ${same.source}, with a different key: keep one`,
        ),
      );
      continue;
    }
    const twin = byText.get(norm);
    if (twin && twin.version !== item.version) {
      problems.push(
        problemAt(
          item,
          `the same key is configured as version ${twin.version} too: every version needs its own key`,
        ),
      );
      continue;
    }
    keys.set(item.version, item);
    byText.set(norm, item);
  }
  return keys;
}

/**
 * Gathers the encryption keys from every source: the file (literal,
 * `${VAR}` or `{{ vault `path` }}`), `FLUXBASE_SECRET_KEY_<N>`, and a single
 * `FLUXBASE_SECRET_KEY` / `SECRET_KEY` as version 1. With provider
 * `aws_kms` the keys are data keys kept wrapped in vault.keys instead, and
 * the result carries the KMS wrapper that unwraps them. Throws a
 * ConfigError listing every problem.
 *
 * @example
 * const resolved = await resolveKeys(loaded.config.security.encryption);
 */
export async function resolveKeys(
  config: EncryptionConfig,
  options: ResolveOptions = {},
): Promise<ResolvedKeys> {
  const env = options.env ?? process.env;
  if (config.provider === 'aws_kms') return kmsKeys(config, env);

  const problems: ConfigProblem[] = [];
  const found = [...(await fromFile(config, env)), ...fromEnv(env, problems)];
  const keys = checkFound(found, problems);
  const active = config.active_key_version ?? highest(keys);
  if (active !== undefined && !keys.has(active)) {
    problems.push({
      path: 'security.encryption.active_key_version',
      message: `active key version ${active} has no key: set it in security.encryption.keys or FLUXBASE_SECRET_KEY_${active}`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    active,
    keys: new Map([...keys].map(([v, f]) => [v, keyBytes(f.text)])),
    sources: new Map([...keys].map(([v, f]) => [v, f.source])),
    wrapper: undefined,
  };
}

function highest(keys: Map<number, unknown>): number | undefined {
  const versions = [...keys.keys()].sort((a, b) => a - b);
  return versions.at(-1);
}

async function kmsKeys(
  config: EncryptionConfig,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedKeys> {
  return {
    active: config.active_key_version,
    keys: new Map(),
    sources: new Map(),
    wrapper: await kmsWrapper(config, env),
  };
}
