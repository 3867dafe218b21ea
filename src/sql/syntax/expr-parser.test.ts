import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { NO_POS, bigint, binary, call, col, double, ident, int, star, str, unary, windowRef } from './ast-builders.js';
import { parseExpression } from './parse.js';
import { withoutPositions } from './without-positions.js';

function parse(sql: string): Expr {
  const result = parseExpression(sql);
  if (!result.ok) throw new Error(result.message);
  return withoutPositions(result.value);
}

function same(expr: Expr): Expr {
  return withoutPositions(expr);
}

function error(sql: string): string {
  const result = parseExpression(sql);
  if (result.ok) throw new Error(`expected an error for ${sql}`);
  return result.message;
}

describe('literals', () => {
  it('types integers by range and suffix', () => {
    expect(parse('2147483647')).toEqual(same(int(2147483647)));
    expect(parse('2147483648')).toEqual(same(bigint(2147483648n, '2147483648')));
    expect(parse('5L')).toEqual(same(bigint(5n, '5L')));
    expect(parse('9223372036854775807')).toEqual(same(bigint(9223372036854775807n, '9223372036854775807')));
  });

  it('folds a sign into the number and checks the int64 range on the signed value', () => {
    expect(parse('-2147483648')).toEqual(same(int(-2147483648)));
    expect(parse('-9223372036854775808')).toEqual(
      same(bigint(-9223372036854775808n, '-9223372036854775808')),
    );
    expect(parse('+7')).toEqual(same(int(7)));
    expect(error('9223372036854775808')).toBe(
      'Syntax error: integer literal 9223372036854775808 is out of range for BIGINT [at 1:1]',
    );
    expect(error('-9223372036854775809')).toMatch(/out of range for BIGINT/);
    expect(error('9223372036854775808L')).toMatch(/out of range for BIGINT/);
  });

  it('reads doubles, floats, strings, booleans and NULL', () => {
    expect(parse('1.5')).toEqual(same(double(1.5)));
    expect(parse('-0.25')).toEqual(same(double(-0.25)));
    expect(parse('3.3f')).toEqual({ kind: 'literal', type: 'float', value: 3.3, image: '3.3f' });
    expect(parse('"aa"')).toEqual(same(str('aa', '"aa"')));
    expect(parse('TRUE')).toEqual({ kind: 'literal', type: 'bool', value: true, image: 'TRUE' });
    expect(parse('false')).toEqual({ kind: 'literal', type: 'bool', value: false, image: 'false' });
    expect(parse('null')).toEqual({ kind: 'literal', type: 'null', value: null, image: 'null' });
  });

  it('numbers placeholders in order', () => {
    expect(parse('? + ?')).toEqual(same(binary('+', { kind: 'param', index: 0, pos: NO_POS }, { kind: 'param', index: 1, pos: NO_POS })));
  });

  it('rejects an interval outside frames and options', () => {
    expect(error('c1 + 10s')).toBe('Syntax error: expected an expression but found literal 10s [at 1:6]');
  });
});

describe('names and calls', () => {
  it('reads column references with up to three parts', () => {
    expect(parse('c1')).toEqual(same(col('c1')));
    expect(parse('t0.c1')).toEqual(same(col('t0.c1')));
    expect(parse('db1.t0.c1')).toEqual(same(col('db1.t0.c1')));
    expect(parse('`select`')).toEqual(same({ kind: 'column', column: ident('select', true), pos: NO_POS }));
    expect(error('a.b.c.d')).toMatch(/at most 3 parts/);
    expect(error('order')).toBe('Syntax error: expected an expression but found keyword ORDER [at 1:1]');
  });

  it('reads calls with star, DISTINCT, back-quoted and type-named functions', () => {
    expect(parse('count(*)')).toEqual(same(call('count', [star()])));
    expect(parse('count_where(*, c3 < 4)')).toEqual(same(call('count_where', [star(), binary('<', col('c3'), int(4))])));
    expect(parse('count(DISTINCT c1)')).toEqual(same(call('count', [col('c1')], undefined, true)));
    expect(parse('int(c1)')).toEqual(same(call('int', [col('c1')])));
    expect(parse('`join`(a, " ")')).toEqual(
      same({ kind: 'call', name: ident('join', true), args: [col('a'), str(' ', '" "')], distinct: false, pos: NO_POS }),
    );
    expect(parse('at(c1, 0)')).toEqual(same(call('at', [col('c1'), int(0)])));
    expect(parse('now()')).toEqual(same(call('now', [])));
  });

  it('attaches OVER to a call: a window name, (name) or an inline spec', () => {
    expect(parse('sum(c4) OVER w1')).toEqual(same(call('sum', [col('c4')], windowRef('w1'))));
    expect(parse('sum(c4) over (w1)')).toEqual(same(call('sum', [col('c4')], windowRef('w1'))));
    const inline = parse('sum(c4) OVER (PARTITION BY c1 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)');
    expect(inline.kind === 'call' && inline.over?.kind).toBe('windowSpec');
    expect(error('sum(c4) OVER PARTITION BY c1')).toBe(
      'Syntax error: expected a window name or "(" but found keyword PARTITION [at 1:14]',
    );
  });

  it('reads subscripts', () => {
    expect(parse('m["k"][1]')).toEqual(
      same({
        kind: 'subscript',
        operand: { kind: 'subscript', operand: col('m'), index: str('k', '"k"'), pos: NO_POS },
        index: int(1),
        pos: NO_POS,
      }),
    );
  });

  it('rejects stars and subqueries where they cannot appear', () => {
    expect(error('t.* + 1')).toMatch(/"\*" is allowed only as a select item or call argument/);
    expect(error('(select 1)')).toMatch(/subqueries in expressions are not supported/);
    expect(error('a IN (select 1)')).toMatch(/IN \(subquery\) is not supported/);
  });
});

describe('operators and precedence', () => {
  it('multiplies before adding and associates to the left', () => {
    expect(parse('a + b * c - d')).toEqual(
      same(binary('-', binary('+', col('a'), binary('*', col('b'), col('c'))), col('d'))),
    );
    expect(parse('a / b DIV c MOD d % e')).toEqual(
      same(binary('%', binary('%', binary('DIV', binary('/', col('a'), col('b')), col('c')), col('d')), col('e'))),
    );
  });

  it('orders bitwise operators below arithmetic: & above ^ above |', () => {
    expect(parse('a | b ^ c & d + 1')).toEqual(
      same(binary('|', col('a'), binary('^', col('b'), binary('&', col('c'), binary('+', col('d'), int(1)))))),
    );
  });

  it('orders logic as OR < XOR < AND < NOT < comparison', () => {
    expect(parse('a OR b XOR c AND NOT d = 1')).toEqual(
      same(
        binary(
          'OR',
          col('a'),
          binary('XOR', col('b'), binary('AND', col('c'), unary('NOT', binary('=', col('d'), int(1))))),
        ),
      ),
    );
  });

  it('normalizes == to =, <> to !=, MOD to % and ! to NOT', () => {
    expect(parse('a == 1')).toEqual(same(binary('=', col('a'), int(1))));
    expect(parse('a <> 1')).toEqual(same(binary('!=', col('a'), int(1))));
    expect(parse('a MOD 2')).toEqual(same(binary('%', col('a'), int(2))));
    expect(parse('!c2')).toEqual(same(unary('NOT', col('c2'))));
  });

  it('binds ! and unary minus tighter than binary operators, NOT looser', () => {
    expect(parse('!a = b')).toEqual(same(binary('=', unary('NOT', col('a')), col('b'))));
    expect(parse('NOT a = b')).toEqual(same(unary('NOT', binary('=', col('a'), col('b')))));
    expect(parse('-a * b')).toEqual(same(binary('*', unary('-', col('a')), col('b'))));
    expect(parse('~c1')).toEqual(same(unary('~', col('c1'))));
    expect(parse('- - a')).toEqual(same(unary('-', unary('-', col('a')))));
  });

  it('reads a minus after an operand as subtraction', () => {
    expect(parse('c7 -1000')).toEqual(same(binary('-', col('c7'), int(1000))));
    expect(parse('a - -1')).toEqual(same(binary('-', col('a'), int(-1))));
  });

  it('keeps parentheses out of the tree', () => {
    expect(parse('(a + b) * c')).toEqual(same(binary('*', binary('+', col('a'), col('b')), col('c'))));
  });
});

describe('predicates', () => {
  it('reads IS [NOT] NULL / TRUE / FALSE', () => {
    expect(parse('c1 is null')).toEqual({ kind: 'is', operand: same(col('c1')), test: 'NULL', negated: false });
    expect(parse('c1 IS NOT TRUE')).toEqual({ kind: 'is', operand: same(col('c1')), test: 'TRUE', negated: true });
    expect(error('c1 IS 5')).toBe('Syntax error: expected NULL, TRUE or FALSE but found literal 5 [at 1:7]');
  });

  it('reads [NOT] BETWEEN with bounds above comparison level', () => {
    expect(parse("code NOT BETWEEN 'BBB' AND 'CCC' AND x")).toEqual(
      same(
        binary(
          'AND',
          { kind: 'between', operand: col('code'), low: str('BBB'), high: str('CCC'), negated: true, pos: NO_POS },
          col('x'),
        ),
      ),
    );
    expect(parse('sum(id) OVER w1 BETWEEN 2 AND 6')).toEqual(
      same({
        kind: 'between',
        operand: call('sum', [col('id')], windowRef('w1')),
        low: int(2),
        high: int(6),
        negated: false,
        pos: NO_POS,
      }),
    );
  });

  it('reads [NOT] IN lists', () => {
    expect(parse("code not in ('A', 'B')")).toEqual(
      same({ kind: 'in', operand: col('code'), list: [str('A'), str('B')], negated: true, pos: NO_POS }),
    );
  });

  it('reads [NOT] LIKE / ILIKE / RLIKE with ESCAPE', () => {
    expect(parse("c1 NOT ILIKE '#_a%b' ESCAPE '#'")).toEqual(
      same({
        kind: 'like',
        op: 'ILIKE',
        operand: col('c1'),
        pattern: str('#_a%b'),
        escape: str('#'),
        negated: true,
        pos: NO_POS,
      }),
    );
    expect(parse("col2 RLIKE 'M.ry'")).toEqual(
      same({ kind: 'like', op: 'RLIKE', operand: col('col2'), pattern: str('M.ry'), negated: false, pos: NO_POS }),
    );
  });
});

describe('CASE and CAST', () => {
  it('reads simple and searched CASE', () => {
    expect(parse("case col2 when 'aa' then 'apple' else 'nothing' end")).toEqual(
      same({
        kind: 'case',
        operand: col('col2'),
        whens: [{ kind: 'caseWhen', when: str('aa'), result: str('apple'), pos: NO_POS }],
        elseResult: str('nothing'),
        pos: NO_POS,
      }),
    );
    expect(parse('CASE WHEN a > 1 THEN 7.0 END')).toEqual(
      same({
        kind: 'case',
        whens: [{ kind: 'caseWhen', when: binary('>', col('a'), int(1)), result: double(7, '7.0'), pos: NO_POS }],
        pos: NO_POS,
      }),
    );
    expect(error('CASE END')).toMatch(/expected keyword WHEN/);
  });

  it('reads CAST with type names, aliases, lengths and MAP', () => {
    expect(parse('CAST(c1 AS VARCHAR(60))')).toEqual(
      same({ kind: 'cast', operand: col('c1'), type: { kind: 'scalarType', type: 'string', pos: NO_POS }, pos: NO_POS }),
    );
    expect(parse('cast(90 as int16)')).toEqual(
      same({ kind: 'cast', operand: int(90), type: { kind: 'scalarType', type: 'smallint', pos: NO_POS }, pos: NO_POS }),
    );
    const map = parse('cast(NULL AS MAP<string, int64>)');
    expect(map.kind === 'cast' && map.type).toEqual({
      kind: 'mapType',
      key: { kind: 'scalarType', type: 'string' },
      value: { kind: 'scalarType', type: 'bigint' },
    });
    expect(error('cast(c8 as nit)')).toBe('Syntax error: unknown type "nit" [at 1:12]');
  });
});

describe('positions', () => {
  it('records where each node starts', () => {
    const result = parseExpression('a +\n  sum(b) OVER w');
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'binary') return;
    expect(result.value.pos).toEqual({ offset: 0, line: 1, column: 1 });
    expect(result.value.right.pos).toEqual({ offset: 6, line: 2, column: 3 });
  });

  it('puts a folded sign at the sign', () => {
    const result = parseExpression('x + -5');
    if (!result.ok || result.value.kind !== 'binary') throw new Error('parse failed');
    expect(result.value.right.pos.column).toBe(5);
  });
});
