import { redactUrl } from '../db/url.ts';

const SECRET_KEYS = /^(secret|key|password|token|api_key)$/i;
const URL_KEYS = /(^|_)(url|uri)$/i;

/**
 * A copy of a configuration fit to print: secrets and keys become `***`,
 * URLs lose their password.
 */
export function redactConfig<T>(value: T): T {
  return redactValue(value, '') as T;
}

function redactValue(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]),
    );
  }
  if (typeof value !== 'string') return value;
  if (SECRET_KEYS.test(key)) return '***';
  if (URL_KEYS.test(key)) return redactUrl(value);
  return value;
}
