import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

import { LintConfigError } from './errors.ts';

const WILD = /[*?[]/;

function globRegExp(pattern: string): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      body += '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') body += '[^/]*';
    else if (ch === '?') body += '[^/]';
    else body += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${body}$`);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

function sqlFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql') && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

function expandGlob(pattern: string, cwd: string): string[] {
  const parts = pattern.split('/');
  const fixed = parts.findIndex((p) => WILD.test(p));
  const base = resolve(cwd, parts.slice(0, fixed).join('/') || '.');
  if (!existsSync(base)) return [];
  const re = globRegExp(parts.slice(fixed).join('/'));
  return walk(base)
    .filter((file) => re.test(relative(base, file).split(sep).join('/')))
    .sort();
}

/**
 * The SQL files that PATHs name, in the order they apply: a file as
 * given, a folder's *.sql files in file-name order (as migration tools
 * apply them), a glob's matches sorted. A path that matches nothing is an
 * error that names the path after FLAG, the option it was given with
 * ('' for a command's own argument).
 *
 * @example
 * expandSqlPaths(['supabase/migrations']); // ['/…/0001_init.sql', …]
 */
export function expandSqlPaths(
  paths: readonly string[],
  cwd = '.',
  flag = '--sql',
): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const full = resolve(cwd, path);
    let found: string[];
    if (WILD.test(path)) found = expandGlob(path, cwd);
    else if (!existsSync(full)) found = [];
    else if (statSync(full).isDirectory()) found = sqlFilesIn(full);
    else found = [full];
    if (found.length === 0) {
      throw new LintConfigError(
        `${flag ? `${flag} ` : ''}${path}: no such file, or no .sql file in it`,
      );
    }
    for (const file of found) if (!files.includes(file)) files.push(file);
  }
  return files;
}
