import { describe, expect, it } from 'vitest';
import { parseStatement, type QueryStatement } from '../sql/syntax/index.js';
import { mainTableOf, readConfig } from './sql-config.js';

function statement(sql: string): QueryStatement {
  const p = parseStatement(sql);
  if (!p.ok || p.value.kind !== 'queryStatement') throw new Error(`not a query: ${sql}`);
  return p.value;
}

describe('readConfig', () => {
  it('reads the execute mode and one or several request rows', () => {
    const one = readConfig(statement("SELECT c1 FROM t CONFIG (execute_mode='request', values=('a', 1, -2.5, NULL, 1590738989000))").config, []);
    expect(one).toEqual({ ok: true, value: { executeMode: 'request', values: [['a', 1, -2.5, null, 1590738989000n]] } });
    const many = readConfig(statement("SELECT c1 FROM t CONFIG (execute_mode='request', values=[('a', 1), ('b', 2)])").config, []);
    expect(many.ok && many.value.values).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('takes ? values from the parameters and refuses a missing one', () => {
    const s = statement("SELECT c1 FROM t CONFIG (execute_mode='request', values=(?, 'x'))");
    expect(readConfig(s.config, [7]).ok && readConfig(s.config, [7])).toEqual({ ok: true, value: { executeMode: 'request', values: [[7, 'x']] } });
    const missing = readConfig(s.config, []);
    expect(missing.ok ? '' : missing.message).toMatch(/placeholder 1/);
  });

  it('refuses an unknown mode and a row that is not a list', () => {
    const mode = readConfig(statement("SELECT 1 CONFIG (execute_mode='sideways')").config, []);
    expect(mode.ok ? '' : mode.message).toMatch(/online', 'request' or 'offline/);
    const row = readConfig(statement("SELECT 1 CONFIG (values=5)").config, []);
    expect(row.ok ? '' : row.message).toMatch(/parenthesised/);
  });
});

describe('mainTableOf', () => {
  it('finds the left-most table through joins, subqueries, unions and CTEs', () => {
    const main = (sql: string, db?: string) => mainTableOf(statement(sql).query, db);
    expect(main('SELECT * FROM t1 LAST JOIN t2 ON t1.c1 = t2.c1', 'db')).toEqual({ db: 'db', name: 't1' });
    expect(main('SELECT * FROM (SELECT * FROM other.t3) AS s', 'db')).toEqual({ db: 'other', name: 't3' });
    expect(main('WITH w AS (SELECT * FROM t4) SELECT * FROM w', 'db')).toEqual({ db: 'db', name: 't4' });
    expect(main('SELECT c1 FROM t5 UNION ALL SELECT c1 FROM t6', 'db')).toEqual({ db: 'db', name: 't5' });
    expect(main('SELECT 1 + 1', 'db')).toBeUndefined();
    expect(main('SELECT * FROM t7')).toBeUndefined();
  });
});
