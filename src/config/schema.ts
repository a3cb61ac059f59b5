import { z } from 'zod';

import { bucketSizeProblem } from '../ratelimit/bucket.ts';
import { parseDuration } from './duration.ts';

const duration = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, {
  message: 'must be a duration above zero, such as 30s, 1m, 1h or 90d',
});

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** True for 64 hex characters or base64 of exactly 32 bytes. */
export function isKeyText(text: string): boolean {
  if (HEX_KEY.test(text)) return true;
  if (!BASE64.test(text) || text.length % 4 !== 0) return false;
  return Buffer.from(text, 'base64').length === 32;
}

/** A reference to HashiCorp Vault: {{ vault `secret/path` }} */
export const VAULT_REF = /^\{\{\s*vault\s+`([^`]+)`\s*\}\}$/;

const keyText = z
  .string()
  .refine((text) => VAULT_REF.test(text) || isKeyText(text), {
    message: 'must be 64 hex characters or base64 of 32 bytes',
  });

const database = z.strictObject({
  url: z.string().min(1).optional(),
  pool_size: z.number().int().min(1).max(1000).default(10),
});

const jwt = z.strictObject({
  secret: z.string().min(1).optional(),
  expiry: duration.default('1h'),
  refresh_expiry: duration.default('720h'),
  issuer: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
});

const oidcIssuer = z.strictObject({
  issuer: z.string().url(),
  jwks_uri: z.string().url(),
  audience: z.string().min(1).optional(),
});

const auth = z.strictObject({
  jwt: jwt.default(() => jwt.parse({})),
  oidc: z
    .strictObject({ issuers: z.array(oidcIssuer).default([]) })
    .default({ issuers: [] }),
});

const encryptionKey = z.strictObject({
  version: z.number().int().min(1),
  key: keyText.optional(),
});

const encryption = z.strictObject({
  provider: z.enum(['local', 'aws_kms']).default('local'),
  kms_key_id: z.string().min(1).optional(),
  kms_endpoint: z.string().url().optional(),
  kms_region: z.string().min(1).optional(),
  active_key_version: z.number().int().min(1).optional(),
  keys: z.array(encryptionKey).default([]),
});

const security = z.strictObject({
  encryption: encryption.default(() => encryption.parse({})),
});

const limit = z.number().int().min(0);

const ratelimit = z
  .strictObject({
    enabled: z.boolean().default(true),
    backend: z.enum(['postgres', 'redis', 'memory']).default('postgres'),
    redis_url: z.string().min(1).optional(),
    global_rate_limit: z.boolean().default(false),
    window: duration.default('1m'),
    limits: z
      .strictObject({
        anonymous: limit.default(100),
        authenticated: limit.default(1000),
        service_role: limit.default(10000),
      })
      .default({ anonymous: 100, authenticated: 1000, service_role: 10000 }),
    on_backend_error: z.enum(['deny', 'allow', 'local']).default('local'),
    trust_proxy: z.boolean().default(false),
  })
  .superRefine((section, ctx) => {
    const windowMs = parseDuration(section.window);
    for (const [role, limit] of Object.entries(section.limits)) {
      const problem = windowMs && bucketSizeProblem(limit, windowMs);
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          path: ['limits', role],
          message: problem,
        });
      }
    }
    if (section.backend === 'redis' && section.redis_url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['redis_url'],
        message:
          'the redis backend needs redis_url (e.g. redis://127.0.0.1:6379)',
      });
    }
  });

const server = z.strictObject({
  public_url: z.string().url().optional(),
  security_headers: z
    .record(z.string().min(1), z.union([z.string(), z.literal(false)]))
    .default({}),
});

const lintIgnore = z.strictObject({
  rule: z.string().min(1),
  object: z.string().min(1).default('*'),
  reason: z.string().min(1, { message: 'a reason is required' }),
});

const lint = z.strictObject({
  schemas: z.array(z.string().min(1)).optional(),
  ignore: z.array(lintIgnore).default([]),
});

/** The whole of fluxbase.yaml. Every section is optional. */
export const configSchema = z.strictObject({
  database: database.default(() => database.parse({})),
  auth: auth.default(() => auth.parse({})),
  security: security.default(() => security.parse({})),
  ratelimit: ratelimit.default(() => ratelimit.parse({})),
  server: server.default(() => server.parse({})),
  lint: lint.default(() => lint.parse({})),
});

type RawKey = { version?: unknown; key?: unknown };

/**
 * The checks across keys of `security.encryption`, run on the raw file so
 * that they are reported beside any other problem: duplicate versions, one
 * key under two versions, an active version without a key.
 */
export function keyProblems(
  raw: unknown,
): { path: PropertyKey[]; message: string }[] {
  const encryption = (
    raw as { security?: { encryption?: Record<string, unknown> } }
  )?.security?.encryption;
  const keys = Array.isArray(encryption?.keys)
    ? (encryption.keys as RawKey[])
    : [];
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const versions = new Map<unknown, number>();
  const texts = new Map<string, unknown>();

  keys.forEach((entry, index) => {
    const path = ['security', 'encryption', 'keys', index];
    const first = versions.get(entry?.version);
    if (first !== undefined) {
      problems.push({
        path: [...path, 'version'],
        message: `duplicate key version ${entry.version} (also at keys[${first}])`,
      });
    } else versions.set(entry?.version, index);

    const key = entry?.key;
    if (typeof key !== 'string' || VAULT_REF.test(key) || !isKeyText(key))
      return;
    const other = texts.get(normaliseKey(key));
    if (other !== undefined) {
      problems.push({
        path: [...path, 'key'],
        message: `the same key is configured as version ${other} too: every version needs its own key`,
      });
    } else texts.set(normaliseKey(key), entry.version);
  });

  problems.push(...kmsProblems(encryption, keys));
  const active = encryption?.active_key_version;
  if (active !== undefined && keys.length > 0 && !versions.has(active)) {
    problems.push({
      path: ['security', 'encryption', 'active_key_version'],
      message: `active key version ${String(active)} has no entry in security.encryption.keys`,
    });
  }
  return problems;
}

/** With provider aws_kms: a key id is needed and no key material. */
function kmsProblems(
  encryption: Record<string, unknown> | undefined,
  keys: RawKey[],
): { path: PropertyKey[]; message: string }[] {
  if (encryption?.provider !== 'aws_kms') return [];
  const problems: { path: PropertyKey[]; message: string }[] = [];
  if (!encryption.kms_key_id) {
    problems.push({
      path: ['security', 'encryption', 'kms_key_id'],
      message: 'required when provider is aws_kms',
    });
  }
  keys.forEach((entry, index) => {
    if (entry?.key === undefined) return;
    problems.push({
      path: ['security', 'encryption', 'keys', index, 'key'],
      message:
        'with provider aws_kms the keys are KMS data keys kept wrapped in vault.keys: remove this key',
    });
  });
  return problems;
}

/** A key as 32 bytes in hex, whichever way it was written. */
export function normaliseKey(text: string): string {
  if (HEX_KEY.test(text)) return text.toLowerCase();
  return Buffer.from(text, 'base64').toString('hex');
}

export type FluxbaseConfig = z.infer<typeof configSchema>;
export type EncryptionConfig = FluxbaseConfig['security']['encryption'];
export type RateLimitConfig = FluxbaseConfig['ratelimit'];
export type LintConfig = FluxbaseConfig['lint'];
