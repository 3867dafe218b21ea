import { describe, expect, it } from 'vitest';
import type { AnyNode, Expr, Statement } from './ast.js';
import { parseStatement } from './parse.js';
import { childrenOf, visit, walk } from './visitor.js';

function statement(sql: string): Statement {
  const result = parseStatement(sql);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

const SQL = `SELECT t0.c1, sum(c4) OVER w1 AS s, CASE WHEN c2 > 1 THEN 'a' END
FROM t0 LAST JOIN (SELECT c1, c7 FROM t1 WHERE c9 IS NULL) AS x ORDER BY x.c7 ON t0.c1 = x.c1
WINDOW w1 AS (UNION t2 PARTITION BY t0.c1 ORDER BY t0.c7 ROWS_RANGE BETWEEN 2s PRECEDING AND CURRENT ROW MAXSIZE 3)
LIMIT 10 CONFIG (execute_mode = 'request')`;

function columns(node: AnyNode, intoSubqueries = true): string[] {
  const found: string[] = [];
  walk(node, (n) => {
    if (n.kind === 'column') found.push([n.table?.name, n.column.name].filter(Boolean).join('.'));
    return intoSubqueries || n.kind !== 'subqueryRef';
  });
  return found;
}

describe('walk', () => {
  it('visits every column reference in source order', () => {
    expect(columns(statement(SQL))).toEqual(['t0.c1', 'c4', 'c2', 'c1', 'c7', 'c9', 'x.c7', 't0.c1', 'x.c1', 't0.c1', 't0.c7']);
  });

  it('skips the children of a node when the callback returns false', () => {
    expect(columns(statement(SQL), false)).toEqual(['t0.c1', 'c4', 'c2', 'x.c7', 't0.c1', 'x.c1', 't0.c1', 't0.c7']);
  });

  it('reaches only nodes that carry a kind and a position matching the source text', () => {
    const lineStarts = [0, ...[...SQL].flatMap((c, i) => (c === '\n' ? [i + 1] : []))];
    let count = 0;
    walk(statement(SQL), (n) => {
      count++;
      expect(typeof n.kind).toBe('string');
      const { offset, line, column } = n.pos;
      expect(lineStarts[line - 1]! + column - 1, `${n.kind} at ${line}:${column}`).toBe(offset);
    });
    expect(count).toBeGreaterThan(60);
  });
});

describe('visit', () => {
  it('dispatches on kind', () => {
    const s = statement('select 1 + -a');
    const expr = s.kind === 'queryStatement' && s.query.body.kind === 'select' ? s.query.body.items[0]!.expr : undefined;
    const depth = (x: Expr): number =>
      visit<Expr, number>(x, {
        literal: () => 1,
        param: () => 1,
        column: () => 1,
        star: () => 1,
        unary: (n) => 1 + depth(n.operand),
        binary: (n) => 1 + Math.max(depth(n.left), depth(n.right)),
        is: (n) => 1 + depth(n.operand),
        between: (n) => 1 + Math.max(depth(n.operand), depth(n.low), depth(n.high)),
        in: (n) => 1 + Math.max(depth(n.operand), ...n.list.map(depth)),
        like: (n) => 1 + Math.max(depth(n.operand), depth(n.pattern)),
        cast: (n) => 1 + depth(n.operand),
        case: () => 1,
        call: (n) => 1 + Math.max(0, ...n.args.map(depth)),
        subscript: (n) => 1 + Math.max(depth(n.operand), depth(n.index)),
      });
    expect(depth(expr!)).toBe(3);
  });

  it('lists direct children', () => {
    const s = statement('delete from t where a = 1');
    expect(childrenOf(s).map((n) => n.kind)).toEqual(['objectName', 'binary']);
  });
});
