import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { z } from 'zod';

import { ConfigError, type ConfigProblem, formatPath } from './errors.ts';
import { interpolate } from './interpolate.ts';
import { applyOverrides } from './overrides.ts';
import { configSchema, type FluxbaseConfig, keyProblems } from './schema.ts';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export type Environment = (typeof ENVIRONMENTS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A validated configuration and where its values came from. */
export interface LoadedConfig {
  config: FluxbaseConfig;
  /** The file read, or undefined when defaults alone apply. */
  file: string | undefined;
  environment: Environment;
  logLevel: LogLevel;
  /** Dotted paths whose value came from ${VAR} interpolation. */
  interpolated: ReadonlySet<string>;
  /** Dotted paths set by FLUXBASE_ variables, with the variable's name. */
  overridden: ReadonlyMap<string, string>;
}

export interface LoadOptions {
  /** A file given with --config: it must exist. */
  file?: string | undefined;
  /** Where to look for fluxbase.yaml when no file is given. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

interface Parsed {
  raw: Record<string, unknown>;
  lineOf: (path: readonly PropertyKey[]) => number | undefined;
  interpolated: Set<string>;
}

function pickFile(options: LoadOptions): string | undefined {
  if (options.file) {
    const file = resolve(options.cwd ?? '.', options.file);
    if (!existsSync(file)) {
      throw new ConfigError(
        [{ path: '', message: `configuration file ${options.file} not found` }],
        options.file,
      );
    }
    return options.file;
  }
  const fallback = resolve(options.cwd ?? '.', 'fluxbase.yaml');
  return existsSync(fallback) ? 'fluxbase.yaml' : undefined;
}

/** The node a path names, or its key when the parent is a mapping. */
function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  const parent = doc.getIn(path.slice(0, -1), true);
  const last = path.at(-1);
  if (isMap(parent) && last !== undefined) {
    const pair = parent.items.find(
      (p) => isScalar(p.key) && String(p.key.value) === String(last),
    );
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return doc.getIn(path, true) as Node | undefined;
}

function lineFinder(doc: Document, counter: LineCounter) {
  return (path: readonly PropertyKey[]): number | undefined => {
    for (let depth = path.length; depth > 0; depth--) {
      const offset = nodeAt(doc, path.slice(0, depth))?.range?.[0];
      if (offset !== undefined) return counter.linePos(offset).line;
    }
    return undefined;
  };
}

function walkStrings(
  node: unknown,
  path: (string | number)[],
  visit: (scalar: { value: unknown }, path: (string | number)[]) => void,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      walkStrings(pair.value, [...path, key], visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      walkStrings(item, [...path, index], visit);
    });
  } else if (isScalar(node) && typeof node.value === 'string') {
    visit(node, path);
  }
}

function parseFile(
  text: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): Parsed {
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: counter,
    prettyErrors: false,
  });
  const lineOf = lineFinder(doc, counter);
  const interpolated = new Set<string>();

  for (const error of doc.errors) {
    const line = counter.linePos(error.pos[0]).line;
    problems.push({
      path: '',
      where: line ? `line ${line}` : undefined,
      message: `not valid YAML: ${error.message.split('\n')[0]}`,
    });
  }
  if (doc.errors.length > 0) return { raw: {}, lineOf, interpolated };

  walkStrings(doc.contents, [], (scalar, path) => {
    const result = interpolate(String(scalar.value), env, (problem) => {
      problems.push({
        path: formatPath(path),
        where: `line ${lineOf(path)}`,
        ...problem,
      });
    });
    if (result.replaced) interpolated.add(formatPath(path));
    scalar.value = result.value;
  });

  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ path: '', message: 'must be a mapping of sections' });
    return { raw: {}, lineOf, interpolated };
  }
  return { raw, lineOf, interpolated };
}

function issueProblem(
  issue: z.core.$ZodIssue,
  lineOf: Parsed['lineOf'],
  overridden: Map<string, string>,
): ConfigProblem {
  let path = issue.path as PropertyKey[];
  let message = describeIssue(issue);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    path = [...path, keys[0]!];
    message =
      keys.length === 1
        ? 'unknown key'
        : `unknown keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  const dotted = formatPath(path);
  const variable = overridden.get(dotted);
  const line = lineOf(path);
  return {
    path: dotted,
    where: variable ?? (line === undefined ? undefined : `line ${line}`),
    message,
  };
}

/** What a value is, in words; never the value itself (it may be secret). */
function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const want =
      issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`;
    return `must be ${want} (got ${kindOf(issue.input)})`;
  }
  if (
    issue.code === 'too_small' &&
    issue.origin === 'string' &&
    issue.minimum === 1
  ) {
    return 'must not be empty';
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const bound = issue.code === 'too_small' ? 'at least' : 'at most';
    const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    return `must be ${bound} ${String(limit)}`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_format' && issue.format === 'url') {
    return 'must be a URL';
  }
  return issue.message.replace(/^Invalid input: /, '');
}

function pickEnum<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: ConfigProblem[],
): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push({
    path: '',
    where: name,
    message: `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`,
  });
  return fallback;
}

/**
 * Reads, interpolates, overrides and validates fluxbase.yaml. Throws a
 * `ConfigError` that lists every problem, each with its path and line.
 *
 * @example
 * const { config } = loadConfig({ file: 'fluxbase.yaml' });
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = pickFile(options);
  const problems: ConfigProblem[] = [];

  const text = file
    ? readFileSync(resolve(options.cwd ?? '.', file), 'utf8')
    : '';
  const parsed = parseFile(text, env, problems);
  const overridden = applyOverrides(parsed.raw, env, configSchema, problems);
  const environment = pickEnum(
    env,
    'FLUXBASE_ENV',
    ENVIRONMENTS,
    'development',
    problems,
  );
  const logLevel = pickEnum(
    env,
    'FLUXBASE_LOG_LEVEL',
    LOG_LEVELS,
    'info',
    problems,
  );

  const result = configSchema.safeParse(parsed.raw, { reportInput: true });
  const reported = new Set(problems.map((p) => p.path));
  const found = [
    ...(result.success ? [] : result.error.issues),
    ...keyProblems(parsed.raw).map((p) => ({
      ...p,
      code: 'custom' as const,
      input: undefined,
    })),
  ];
  for (const issue of found) {
    const problem = issueProblem(
      issue as z.core.$ZodIssue,
      parsed.lineOf,
      overridden,
    );
    if (!reported.has(problem.path)) problems.push(problem);
  }
  if (problems.length > 0 || !result.success)
    throw new ConfigError(problems, file);

  return {
    config: result.data,
    file,
    environment,
    logLevel,
    interpolated: parsed.interpolated,
    overridden,
  };
}
