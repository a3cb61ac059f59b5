import { KeySourceError } from './errors.ts';

const TIMEOUT_MS = 10_000;

interface KvRef {
  mount: string;
  path: string;
  field: string;
}

/**
 * Splits a HashiCorp Vault reference into mount, path and field.
 *
 * @example
 * parseKvRef('secret/fluxbase/keys#v2');
 * // { mount: 'secret', path: 'fluxbase/keys', field: 'v2' }
 */
export function parseKvRef(ref: string): KvRef {
  const [location = '', field = 'key'] = ref.split('#', 2);
  const parts = location.split('/').filter(Boolean);
  if (parts.length < 2 || !field) {
    throw new KeySourceError(
      `HashiCorp Vault reference ${JSON.stringify(ref)} must be mount/path or mount/path#field, e.g. secret/fluxbase#key`,
    );
  }
  return { mount: parts[0]!, path: parts.slice(1).join('/'), field };
}

function kvUrl(address: string, ref: KvRef): string {
  const segments = ref.path.split('/').map(encodeURIComponent).join('/');
  const base = address.replace(/\/+$/, '');
  return `${base}/v1/${encodeURIComponent(ref.mount)}/data/${segments}`;
}

function settings(env: NodeJS.ProcessEnv) {
  const address = env.VAULT_ADDR;
  const token = env.VAULT_TOKEN;
  if (!address || !token) {
    const missing = !address ? 'VAULT_ADDR' : 'VAULT_TOKEN';
    throw new KeySourceError(
      `a key is read from HashiCorp Vault but ${missing} is not set: set VAULT_ADDR and VAULT_TOKEN`,
    );
  }
  return { address, token, namespace: env.VAULT_NAMESPACE };
}

async function request(url: string, s: ReturnType<typeof settings>) {
  const headers: Record<string, string> = { 'X-Vault-Token': s.token };
  if (s.namespace) headers['X-Vault-Namespace'] = s.namespace;
  try {
    return await fetch(url, {
      headers,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new KeySourceError(
      `cannot reach HashiCorp Vault at ${s.address}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function refusal(status: number, where: string): KeySourceError {
  const why =
    status === 403
      ? 'permission denied (check VAULT_TOKEN and its policy)'
      : status === 404
        ? 'no such secret (check the mount and path)'
        : `HTTP ${status}`;
  return new KeySourceError(`HashiCorp Vault refused to read ${where}: ${why}`);
}

/**
 * Reads one field of a KV v2 secret: `GET /v1/<mount>/data/<path>` with
 * the `X-Vault-Token` header; the value is `data.data[field]`.
 *
 * @example
 * await readVaultKv('secret/fluxbase#key', process.env);
 */
export async function readVaultKv(
  ref: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const parsed = parseKvRef(ref);
  const s = settings(env);
  const response = await request(kvUrl(s.address, parsed), s);
  const where = `${parsed.mount}/${parsed.path}`;
  if (!response.ok) throw refusal(response.status, where);

  const body = (await response.json().catch(() => undefined)) as
    | { data?: { data?: Record<string, unknown> } }
    | undefined;
  const value = body?.data?.data?.[parsed.field];
  if (typeof value !== 'string') {
    throw new KeySourceError(
      `HashiCorp Vault secret ${where} has no string field ${JSON.stringify(parsed.field)}`,
    );
  }
  return value;
}
