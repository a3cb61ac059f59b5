import { describe, expect, it } from 'vitest';

import { transactionEscape } from '../../src/testing/index.ts';

const ADVICE =
  'fluxbase-cli test rolls every file back, so end it with ROLLBACK or nothing';

describe('transactionEscape', () => {
  it.each([
    ['commit;', 2],
    ['COMMIT AND CHAIN;', 2],
    ['end;', 2],
    ['END WORK;', 2],
    ["commit prepared 'x';", 2],
    ["prepare transaction 'x';", 2],
  ])('refuses %s with its line', (statement, line) => {
    const text = `select plan(1);\n  ${statement}\nselect ok(true);\n`;
    expect(transactionEscape('t.sql', text)).toBe(
      `t.sql:${line}: commits its transaction; ${ADVICE}`,
    );
  });

  it('refuses a ROLLBACK that statements follow', () => {
    const text = 'begin;\nselect 1;\nrollback;\ncreate table x (id int);\n';
    expect(transactionEscape('t.sql', text)).toBe(
      `t.sql:3: ends its transaction before the end of the file, so the statements after it would not be rolled back; ${ADVICE}`,
    );
    expect(transactionEscape('t.sql', 'abort; select 1;')).toMatch(
      /^t\.sql:1: ends its transaction before/,
    );
  });

  it('accepts the Supabase way: begin, tests, finish, rollback', () => {
    const text = `begin;
      select plan(1);
      select ok(true);
      select * from finish();
      rollback; -- done
      /* nothing after */`;
    expect(transactionEscape('t.sql', text)).toBeUndefined();
  });

  it('accepts savepoints, ROLLBACK AND CHAIN, and commit in strings, comments and bodies', () => {
    const text = `select plan(1);
      savepoint a; rollback to savepoint a; release a; rollback to a;
      rollback and chain;
      -- commit;
      /* commit; /* nested */ end; */
      select 'commit; end;', E'it\\'s; commit', "commit" from (select 1) as "end;";
      do $$ begin commit; end $$;
      do $body$ begin perform 1; end $body$;
      create function f() returns int language sql
        begin atomic select case when true then 1 end; end;
      create procedure p() language sql begin atomic select 1; end;
      select ok(true);
      rollback;`;
    expect(transactionEscape('t.sql', text)).toBeUndefined();
  });
});
