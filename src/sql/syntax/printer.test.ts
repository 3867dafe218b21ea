import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Statement } from './ast.js';
import { binary, col, int, str, unary } from './ast-builders.js';
import { parseExpression, parseStatement } from './parse.js';
import { formatDeploySql, printExpr, printLiteral, printStatement, quoteString } from './printer.js';
import { withoutPositions } from './without-positions.js';

function statement(sql: string): Statement {
  const result = parseStatement(sql);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function compact(sql: string): string {
  return printStatement(statement(sql));
}

function reprintExpr(sql: string): string {
  const result = parseExpression(sql);
  if (!result.ok) throw new Error(result.message);
  return printExpr(result.value);
}

describe('compact layout', () => {
  it('normalizes keywords and spacing, keeps names and literals as written', () => {
    expect(compact("select c1 as name, t0.c2+1 x, sUm(c4) over w1 from t0 where c1=='a' limit 3")).toBe(
      "SELECT c1 AS name, t0.c2 + 1 AS x, sUm(c4) OVER w1 FROM t0 WHERE c1 = 'a' LIMIT 3",
    );
    expect(compact('select 5L, 3.3f, "dq", -1, 1e3 from `my table`')).toBe('SELECT 5L, 3.3f, "dq", -1, 1e3 FROM `my table`');
  });

  it('prints windows, joins and statement clauses', () => {
    expect(
      compact(
        'select * from t0 last join t1 order by t1.c4 on t0.c1 = t1.c1 window w1 as (union t2, (select * from t3) as x ' +
          'partition by c1 order by c7 rows_range between 2s open preceding and current row maxsize 10 exclude current_time instance_not_in_window) ' +
          "config (execute_mode = 'request', values = (1, 'a'))",
      ),
    ).toBe(
      'SELECT * FROM t0 LAST JOIN t1 ORDER BY t1.c4 ON t0.c1 = t1.c1 WINDOW w1 AS (UNION t2, (SELECT * FROM t3) AS x ' +
        'PARTITION BY c1 ORDER BY c7 ROWS_RANGE BETWEEN 2s OPEN PRECEDING AND CURRENT ROW MAXSIZE 10 EXCLUDE CURRENT_TIME INSTANCE_NOT_IN_WINDOW) ' +
        "CONFIG (execute_mode = 'request', values = (1, 'a'))",
    );
  });

  it('prints DDL with canonical type names and options', () => {
    expect(
      compact(
        "create table if not exists db.t (c1 varchar, c2 int16 not null default 3, m map<string,int>, index(key=(c1,c2), ts=c3, ttl=(10m, 10), ttl_type=absorlat)) " +
          "options (partitionnum=1, distribution=[('a', ['b'])], compress_type='snappy', replication_mode='async')",
      ),
    ).toBe(
      'CREATE TABLE IF NOT EXISTS db.t (c1 STRING, c2 SMALLINT NOT NULL DEFAULT 3, m MAP<STRING, INT>, ' +
        'INDEX(KEY=(c1, c2), TS=c3, TTL=(10m, 10), TTL_TYPE=ABSORLAT)) ' +
        "OPTIONS (PARTITIONNUM=1, DISTRIBUTION=[('a', ['b'])], COMPRESS_TYPE='Snappy', REPLICATION_MODE='async')",
    );
    expect(compact('create index i on t (c1) options (ts=c4, ttl=(3650m), ttl_type=absolute)')).toBe(
      'CREATE INDEX i ON t (c1) OPTIONS (TS=c4, TTL=3650m, TTL_TYPE=ABSOLUTE)',
    );
    expect(compact("set @@global.execute_mode = 'online'")).toBe("SET @@global.execute_mode = 'online'");
    expect(compact('insert or ignore into t (a) values (1), (?)')).toBe('INSERT OR IGNORE INTO t (a) VALUES (1), (?)');
  });
});

describe('parentheses', () => {
  it('adds only the parentheses precedence needs', () => {
    expect(reprintExpr('(a + b) * c')).toBe('(a + b) * c');
    expect(reprintExpr('a + (b * c)')).toBe('a + b * c');
    expect(reprintExpr('a - (b - c)')).toBe('a - (b - c)');
    expect(reprintExpr('(a - b) - c')).toBe('a - b - c');
    expect(reprintExpr('NOT (a AND b)')).toBe('NOT (a AND b)');
    expect(reprintExpr('!a = b')).toBe('(NOT a) = b');
    expect(reprintExpr('x BETWEEN (a AND b) AND c')).toBe('x BETWEEN (a AND b) AND c');
    expect(reprintExpr('(a + b)[1]')).toBe('(a + b)[1]');
  });

  it('keeps signs apart from numbers and from each other', () => {
    expect(printExpr(unary('-', int(1)))).toBe('-(1)');
    expect(printExpr(unary('-', unary('-', col('a'))))).toBe('- -a');
    expect(printExpr(binary('-', col('a'), int(-1, '-1')))).toBe('a - -1');
    expect(printExpr(unary('-', int(-1, '-1')))).toBe('- -1');
  });
});

describe('literals without a source image', () => {
  it('prints a canonical form that parses back to the same value', () => {
    const image = '';
    expect(printLiteral({ kind: 'literal', type: 'bigint', value: 5n, image, pos: int(0).pos })).toBe('5L');
    expect(printLiteral({ kind: 'literal', type: 'double', value: 2, image, pos: int(0).pos })).toBe('2.0');
    expect(printLiteral({ kind: 'literal', type: 'float', value: 0.5, image, pos: int(0).pos })).toBe('0.5f');
    expect(printLiteral(str("it's\n\\", ''))).toBe("'it\\'s\\n\\\\'");
    const back = parseExpression(quoteString("a'b\\c\t"));
    expect(back.ok && back.value.kind === 'literal' && back.value.value).toBe("a'b\\c\t");
  });
});

describe('round trip', () => {
  const samples = [
    'SELECT DISTINCT a FROM t WHERE a IS NOT NULL AND b NOT IN (1, 2) OR c NOT LIKE "x%" ESCAPE "#" XOR d RLIKE "^a"',
    'WITH q AS (SELECT * FROM t) SELECT * FROM q UNION ALL (SELECT * FROM u LIMIT 2) LIMIT 4',
    'SELECT CASE WHEN a THEN CAST(b AS BIGINT) ELSE -c END, m["k"], ~x & y | z ^ w FROM t LEFT JOIN u ON t.a = u.a',
    'SELECT count(*), count_where(*, a > 1) OVER (PARTITION BY a ORDER BY b ROWS UNBOUNDED PRECEDING) FROM t',
    "DEPLOY IF NOT EXISTS d OPTIONS (long_windows = 'w1:1d', range_bias = 1s) SELECT a FROM t",
    "LOAD DATA INFILE 'x.csv' INTO TABLE t OPTIONS (header = false, quote = '\"')",
    "SELECT * FROM t INTO OUTFILE '/tmp/o' OPTIONS (mode = 'append')",
    'SHOW TABLE STATUS LIKE "%"',
    'SHOW JOBS FROM taskmanager',
    'SET `weird name` = 1',
    'EXPLAIN SELECT 1 CONFIG (execute_mode = request)',
    'DROP INDEX db.t.i',
    'select if(a, 1, 2) from t',
  ];
  for (const sql of samples) {
    it(sql, () => {
      const tree = statement(sql);
      for (const style of ['compact', 'unparse'] as const) {
        const printed = printStatement(tree, style);
        expect(withoutPositions(statement(printed)), printed).toEqual(withoutPositions(tree));
      }
    });
  }
});

describe('deployment SQL layout', () => {
  const file = resolve(
    import.meta.dirname,
    '../../../../shared/conformance/cases/function/deploy/test_create_deploy.yaml',
  );
  const doc = parseYaml(readFileSync(file, 'utf8'), { schema: 'failsafe' }) as {
    cases: { id: string; sqls?: string[]; expect?: { deployment?: { sql?: string } } }[];
  };
  const withLayout = doc.cases.filter((c) => c.expect?.deployment?.sql !== undefined && c.sqls !== undefined);

  it('has expectations to compare with', () => {
    expect(withLayout.length).toBeGreaterThanOrEqual(5);
  });

  for (const c of withLayout) {
    it(`matches the reference layout of case ${c.id}`, () => {
      const names = (sql: string) => sql.replace(/\{(\d+)\}/g, 't$1');
      const deploy = statement(names(c.sqls![0]!));
      expect(deploy.kind).toBe('deploy');
      if (deploy.kind !== 'deploy') return;
      expect(formatDeploySql(deploy)).toBe(names(c.expect!.deployment!.sql!).trimEnd());
    });
  }
});
