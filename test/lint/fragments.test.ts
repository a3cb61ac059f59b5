import { describe, expect, it } from 'vitest';

import { expandFragments, RULES, ruleSql } from '../../src/lint/rules.ts';

const fragments = new Map([
  ['pick', '-- pick: documentation, left out\nselect {{what}}\n  from t'],
  ['plain', 'true'],
]);

describe('shared SQL fragments', () => {
  it('fills in the arguments and indents the lines after the first', () => {
    expect(
      expandFragments("  {{pick what='a, b'}}\n", fragments, 'x.sql'),
    ).toBe("  select 'a, b'\n    from t\n");
    expect(expandFragments('where {{plain}}', fragments, 'x.sql')).toBe(
      'where true',
    );
  });

  it('names the file and the reference on a mistake', () => {
    expect(() => expandFragments('{{nope}}', fragments, 'x.sql')).toThrow(
      'x.sql: {{nope}} names no fragment (sql/lint/shared/nope.sql)',
    );
    expect(() => expandFragments('{{pick}}', fragments, 'x.sql')).toThrow(
      'x.sql: {{pick}} lacks the argument what',
    );
    expect(() =>
      expandFragments('{{plain what=c.oid}}', fragments, 'x.sql'),
    ).toThrow(
      'x.sql: {{plain what=c.oid}} gives what, which plain does not take',
    );
    expect(() =>
      expandFragments('{{pick what=a what=b}}', fragments, 'x.sql'),
    ).toThrow('gives what twice');
    expect(() =>
      expandFragments('select 1\n{{pick what=(a)}}', fragments, 'x.sql'),
    ).toThrow('x.sql: malformed fragment reference at line 2');
  });

  it('leaves no reference in any rule', () => {
    for (const rule of RULES) {
      expect(ruleSql(rule)).not.toContain('{{');
    }
  });
});
