import { describe, expect, it } from 'vitest';
import type { Query, QueryStatement, Select, WindowSpec } from './ast.js';
import { NO_POS, binary, call, col, ident, int, objectName, star, windowRef } from './ast-builders.js';
import { parseStatement } from './parse.js';
import { withoutPositions } from './without-positions.js';

function query(sql: string): Query {
  const result = parseStatement(sql);
  if (!result.ok) throw new Error(result.message);
  if (result.value.kind !== 'queryStatement') throw new Error(`not a query: ${result.value.kind}`);
  return withoutPositions(result.value.query);
}

function select(sql: string): Select {
  const q = query(sql);
  if (q.body.kind !== 'select') throw new Error('not a plain select');
  return q.body;
}

function window(sql: string): WindowSpec {
  return select(`SELECT 1 FROM t WINDOW w AS ${sql}`).windows[0]!.spec;
}

function error(sql: string): string {
  const result = parseStatement(sql);
  if (result.ok) throw new Error(`expected an error for ${sql}`);
  return result.message;
}

const tableRef = (name: string, alias?: string) =>
  withoutPositions(
    alias === undefined
      ? { kind: 'tableRef' as const, name: objectName(name), pos: NO_POS }
      : { kind: 'tableRef' as const, name: objectName(name), alias: ident(alias), pos: NO_POS },
  );

describe('select lists', () => {
  it('reads items, aliases with and without AS, and stars', () => {
    const s = select('SELECT *, t.*, c1 AS a, c2 b, `c3`, sum(c4) OVER w1 FROM t');
    expect(s.items).toEqual(
      withoutPositions([
        { kind: 'selectItem', expr: star(), pos: NO_POS },
        { kind: 'selectItem', expr: star('t'), pos: NO_POS },
        { kind: 'selectItem', expr: col('c1'), alias: ident('a'), pos: NO_POS },
        { kind: 'selectItem', expr: col('c2'), alias: ident('b'), pos: NO_POS },
        { kind: 'selectItem', expr: { kind: 'column', column: ident('c3', true), pos: NO_POS }, pos: NO_POS },
        { kind: 'selectItem', expr: call('sum', [col('c4')], windowRef('w1')), pos: NO_POS },
      ]),
    );
    expect(s.from).toEqual(tableRef('t'));
    expect(s.distinct).toBe(false);
    expect(select('SELECT DISTINCT c1 FROM t').distinct).toBe(true);
  });

  it('accepts a trailing comma before the next clause or the end', () => {
    expect(select('select a, b, from t1').items).toHaveLength(2);
    expect(select('select hash64(1) as h,').items).toHaveLength(1);
    expect(select('select a, from t window w as (partition by a order by b rows between 1 preceding and current row)').windows).toHaveLength(1);
  });

  it('reads a table-less select', () => {
    const s = select('SELECT 1 + 1, substr("abc", 1, 2)');
    expect(s.from).toBeUndefined();
    expect(s.items).toHaveLength(2);
  });

  it('reads WHERE, GROUP BY, HAVING and LIMIT', () => {
    const q = query("select c1, count(*) as v1 from t0 where c2 > 1 group by c1 having count(c2) > 1 limit 10");
    const s = q.body as Select;
    expect(s.where).toEqual(withoutPositions(binary('>', col('c2'), int(1))));
    expect(s.groupBy).toEqual(withoutPositions([col('c1')]));
    expect(s.having).toEqual(withoutPositions(binary('>', call('count', [col('c2')]), int(1))));
    expect(q.limit).toEqual({ kind: 'literal', type: 'int', value: 10, image: '10' });
    expect(error('select * from t limit -1')).toMatch(/expected an integer after LIMIT/);
    expect(error('select c1 from t group by c1 where c1 = 1')).toMatch(/expected ";" but found keyword WHERE/);
  });
});

describe('FROM', () => {
  it('reads db-qualified tables and aliases', () => {
    expect(select('SELECT * FROM db1.t0 AS a').from).toEqual(tableRef('db1.t0', 'a'));
    expect(select('SELECT * FROM t0 a').from).toEqual(tableRef('t0', 'a'));
  });

  it('reads subqueries with and without an alias', () => {
    const s = select('select * from (select c1 from t0) as t');
    expect(s.from?.kind).toBe('subqueryRef');
    expect(s.from?.kind === 'subqueryRef' && s.from.alias?.name).toBe('t');
    const bare = select('select * from (select * from t1) window w as (union (select * from t2) partition by g order by ts rows between 2 preceding and 0 preceding)');
    expect(bare.from?.kind === 'subqueryRef' && bare.from.alias).toBeUndefined();
  });

  it('reads chains of LAST JOIN with ORDER BY, nesting to the left', () => {
    const s = select(
      'select * from t0 last join t1 ORDER BY t1.c4 on t0.c1 = t1.c1 last join t2 as x on t0.c1 = x.c1',
    );
    expect(s.from).toEqual(
      withoutPositions({
        kind: 'join',
        type: 'LAST',
        left: {
          kind: 'join',
          type: 'LAST',
          left: tableRef('t0'),
          right: tableRef('t1'),
          orderBy: [col('t1.c4')],
          on: binary('=', col('t0.c1'), col('t1.c1')),
          pos: NO_POS,
        },
        right: tableRef('t2', 'x'),
        orderBy: [],
        on: binary('=', col('t0.c1'), col('x.c1')),
        pos: NO_POS,
      }),
    );
  });

  it('does not take LAST as an alias before JOIN', () => {
    const s = select('select * from t0 last join t1 on t0.a = t1.a');
    expect(s.from?.kind).toBe('join');
  });

  it('reads LEFT [OUTER] JOIN and rejects other joins', () => {
    const s = select('select * from a left outer join b on a.x = b.x');
    expect(s.from?.kind === 'join' && s.from.type).toBe('LEFT');
    expect(error('select * from a join b on a.x = b.x')).toMatch(/only LAST JOIN and LEFT \[OUTER\] JOIN are supported/);
    expect(error('select * from a, b')).toMatch(/only LAST JOIN/);
  });

  it('rejects DESC in a LAST JOIN ORDER BY', () => {
    expect(error('select * from a last join b order by b.ts desc on a.x = b.x')).toMatch(
      /ORDER BY \.\.\. DESC is not supported/,
    );
  });
});

describe('windows', () => {
  it('reads PARTITION BY, ORDER BY and a ROWS frame', () => {
    expect(window('(PARTITION BY t0.c1, c3 ORDER BY t0.c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)')).toEqual(
      withoutPositions({
        kind: 'windowSpec',
        unions: [],
        partitionBy: [col('t0.c1'), col('c3')],
        orderBy: [col('t0.c7')],
        frame: {
          kind: 'frame',
          unit: 'ROWS',
          start: { kind: 'preceding', offset: int(2), open: false, pos: NO_POS },
          end: { kind: 'currentRow', pos: NO_POS },
          pos: NO_POS,
        },
        excludeCurrentRow: false,
        excludeCurrentTime: false,
        instanceNotInWindow: false,
        pos: NO_POS,
      }),
    );
  });

  it('reads ROWS_RANGE with intervals, bare integers, OPEN and negative offsets', () => {
    const w = window('(PARTITION BY c1 ORDER BY c7 ROWS_RANGE BETWEEN 2s OPEN PRECEDING AND 0s PRECEDING)');
    expect(w.frame?.unit).toBe('ROWS_RANGE');
    expect(w.frame?.start).toEqual({
      kind: 'preceding',
      offset: { kind: 'interval', value: 2, unit: 's', image: '2s' },
      open: true,
    });
    const negative = window('(PARTITION BY c1 ORDER BY c4 ROWS_RANGE BETWEEN 2 PRECEDING AND -1 PRECEDING)');
    expect(negative.frame?.end).toEqual({
      kind: 'preceding',
      offset: { kind: 'literal', type: 'int', value: -1, image: '-1' },
      open: false,
    });
    const units = window('(PARTITION BY c1 ORDER BY c7 rows_range between 30D preceding and 5m preceding)');
    expect(units.frame?.start.kind === 'preceding' && units.frame.start.offset).toEqual({
      kind: 'interval',
      value: 30,
      unit: 'd',
      image: '30D',
    });
  });

  it('reads UNBOUNDED PRECEDING and a frame without BETWEEN', () => {
    const w = window('(PARTITION BY c1 ORDER BY c7 ROWS UNBOUNDED PRECEDING)');
    expect(w.frame?.start).toEqual({ kind: 'unboundedPreceding' });
    expect(w.frame?.end).toEqual({ kind: 'currentRow' });
  });

  it('reads UNION sources, MAXSIZE and the window attributes in any order', () => {
    const w = window(
      '(UNION t1, (select * from t2) as x PARTITION BY c1 ORDER BY c7 ROWS_RANGE BETWEEN 3s PRECEDING AND CURRENT ROW ' +
        'MAXSIZE 2 EXCLUDE CURRENT_ROW INSTANCE_NOT_IN_WINDOW EXCLUDE CURRENT_TIME)',
    );
    expect(w.unions.map((u) => u.kind)).toEqual(['tableRef', 'subqueryRef']);
    expect(w.unions[1]!.alias?.name).toBe('x');
    expect(w.maxSize).toEqual({ kind: 'literal', type: 'int', value: 2, image: '2' });
    expect([w.excludeCurrentRow, w.excludeCurrentTime, w.instanceNotInWindow]).toEqual([true, true, true]);
  });

  it('leaves semantic checks (missing frame or PARTITION BY) to the planner', () => {
    expect(window('(PARTITION BY c1 ORDER BY c7)').frame).toBeUndefined();
    expect(window('(ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)').partitionBy).toEqual([]);
  });

  it('rejects what the reference grammar rejects', () => {
    expect(error('SELECT 1 FROM t WINDOW w AS (PARTITION BY c1 ORDER BY c7 ROWS_RANGE BETWEEN 3s PRECEDING AND CURRENT ROW EXCLUDE CURRENT_ROW MAXSIZE 2)')).toMatch(
      /expected "\)" but found "MAXSIZE"/,
    );
    expect(error('SELECT 1 FROM t WINDOW w AS (PARTITION BY c1 ORDER BY c7 ROWS_RANGE BETWEEN 2 PRECEDING AND CURRENT ROW MAXSIZE -1)')).toMatch(
      /expected an integer after MAXSIZE/,
    );
    expect(error('SELECT 1 FROM t WINDOW w AS (PARTITION BY c1 ORDER BY c7 DESC ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)')).toMatch(
      /DESC is not supported/,
    );
    expect(error('SELECT 1 FROM t WINDOW w AS (PARTITION BY c1 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)')).toMatch(
      /FOLLOWING frame bounds are not supported/,
    );
    expect(error('SELECT 1 FROM t WINDOW w AS (PARTITION BY c1 ORDER BY c7 RANGE BETWEEN 2 PRECEDING AND CURRENT ROW)')).toMatch(
      /RANGE frames are not supported/,
    );
    expect(error('SELECT 1 FROM t WINDOW w AS (PARTITION BY c1 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW EXCLUDE CURRENT_ROW EXCLUDE CURRENT_ROW)')).toMatch(
      /CURRENT_ROW or CURRENT_TIME \(each at most once\)/,
    );
  });

  it('reads several named windows', () => {
    const s = select(
      'SELECT sum(c4) OVER w1, count(c4) OVER w2 FROM t WINDOW w1 AS (PARTITION BY c3 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), w2 AS (PARTITION BY c1 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)',
    );
    expect(s.windows.map((w) => w.name.name)).toEqual(['w1', 'w2']);
  });
});

describe('WITH, UNION and statement clauses', () => {
  it('reads WITH', () => {
    const q = query('WITH a AS (select * from t0), b AS (select 1) select * from a');
    expect(q.with.map((c) => c.name.name)).toEqual(['a', 'b']);
    expect(error('WITH RECURSIVE a AS (select 1) select 1')).toMatch(/WITH RECURSIVE is not supported/);
  });

  it('reads UNION ALL / DISTINCT chains and rejects mixing them', () => {
    const q = query('select a from t union all select a from u union all (select a from v limit 1) limit 5');
    expect(q.body.kind).toBe('setOperation');
    expect(q.body.kind === 'setOperation' && q.body.left.kind).toBe('setOperation');
    expect(q.body.kind === 'setOperation' && q.body.right.kind).toBe('query');
    expect(q.limit?.value).toBe(5);
    expect(query('select 1 union distinct select 2').body).toMatchObject({ kind: 'setOperation', all: false });
    expect(error('select 1 union select 2')).toMatch(/expected ALL or DISTINCT after UNION/);
    expect(error('select 1 union all select 2 union distinct select 3')).toMatch(/cannot be mixed/);
  });

  it('reads CONFIG and INTO OUTFILE', () => {
    const result = parseStatement(
      "select * from t CONFIG (execute_mode = 'request', values = [(1, 'a', -2.5, ?), (2, NULL, 3L, ?)]) INTO OUTFILE '/tmp/x.csv' OPTIONS (mode = 'overwrite', header = false)",
    );
    if (!result.ok) throw new Error(result.message);
    const s = withoutPositions(result.value) as QueryStatement;
    expect(s.config.map((c) => c.name.name)).toEqual(['execute_mode', 'values']);
    expect(s.config[1]!.value.kind).toBe('optionArray');
    expect(s.outfile).toMatchObject({ kind: 'outfile', path: '/tmp/x.csv' });
    expect(s.outfile?.options.map((o) => o.value)).toEqual([
      { kind: 'literal', type: 'string', value: 'overwrite', image: "'overwrite'" },
      { kind: 'literal', type: 'bool', value: false, image: 'false' },
    ]);
  });
});
