import type { z } from 'zod';

import type { ConfigProblem } from './errors.ts';

type Leaf = { path: string[]; type: 'string' | 'number' | 'boolean' };

/** Variables that configure the toolkit without naming a config key. */
const RESERVED = /^FLUXBASE_(ENV|LOG_LEVEL|SECRET_KEY(_\d+)?)$/;

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
}

function leafType(def: Def): Leaf['type'] | 'object' | undefined {
  if (def.type === 'string' || def.type === 'enum') return 'string';
  if (def.type === 'number') return 'number';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'object') return 'object';
  return undefined;
}

function unwrap(def: Def): Def {
  let current = def;
  while (current.innerType || current.in) {
    current = (current.innerType ?? current.in)!._zod.def;
  }
  return current;
}

function collect(def: Def, path: string[], out: Leaf[]): void {
  const inner = unwrap(def);
  const type = leafType(inner);
  if (type === 'object') {
    for (const [key, child] of Object.entries(inner.shape ?? {})) {
      collect(child._zod.def, [...path, key], out);
    }
  } else if (type) {
    out.push({ path, type });
  }
}

/** Every scalar key of the schema, by its FLUXBASE_ variable name. */
export function overrideNames(schema: z.ZodType): Map<string, Leaf> {
  const leaves: Leaf[] = [];
  collect((schema as unknown as { _zod: { def: Def } })._zod.def, [], leaves);
  const names = new Map<string, Leaf>();
  for (const leaf of leaves) {
    names.set(`FLUXBASE_${leaf.path.join('_').toUpperCase()}`, leaf);
  }
  return names;
}

function convert(text: string, type: Leaf['type']): unknown {
  if (type === 'number' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === 'boolean' && /^(true|false)$/i.test(text)) {
    return text.toLowerCase() === 'true';
  }
  return text;
}

function setIn(
  target: Record<string, unknown>,
  path: string[],
  value: unknown,
) {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

/**
 * Applies `FLUXBASE_<SECTION>_<KEY>` variables to the raw configuration and
 * returns the paths they set. An unknown FLUXBASE_ variable is a problem.
 */
export function applyOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  schema: z.ZodType,
  problems: ConfigProblem[],
): Map<string, string> {
  const names = overrideNames(schema);
  const applied = new Map<string, string>();

  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith('FLUXBASE_') || text === undefined) continue;
    if (RESERVED.test(name) || name.startsWith('FLUXBASE_TEST_')) continue;
    const leaf = names.get(name);
    if (!leaf) {
      problems.push({
        path: '',
        where: name,
        message: `not a configuration key; see the README for the FLUXBASE_ variables`,
      });
      continue;
    }
    setIn(raw, leaf.path, convert(text, leaf.type));
    applied.set(leaf.path.join('.'), name);
  }
  return applied;
}
