/**
 * Properties: the parser never throws on any input (token soup or arbitrary text), and printing a
 * random expression tree gives SQL that parses back to the same tree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BinaryOp, DataType, Expr, LikeOp } from './ast.js';
import { NO_POS, binary, call, col, double, int, str, unary } from './ast-builders.js';
import { parseExpression, parseScript } from './parse.js';
import { printExpr } from './printer.js';
import { withoutPositions } from './without-positions.js';

const VOCABULARY = [
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'WINDOW', 'AS', 'OVER', 'PARTITION', 'ORDER', 'ROWS',
  'ROWS_RANGE', 'BETWEEN', 'AND', 'OR', 'XOR', 'NOT', 'PRECEDING', 'CURRENT', 'ROW', 'UNBOUNDED', 'OPEN',
  'MAXSIZE', 'EXCLUDE', 'CURRENT_ROW', 'CURRENT_TIME', 'INSTANCE_NOT_IN_WINDOW', 'UNION', 'ALL', 'LAST', 'JOIN',
  'LEFT', 'ON', 'LIMIT', 'CONFIG', 'CREATE', 'TABLE', 'INDEX', 'KEY', 'TS', 'TTL', 'TTL_TYPE', 'OPTIONS', 'DROP',
  'DATABASE', 'DEPLOY', 'DEPLOYMENT', 'SHOW', 'DESC', 'SET', 'INSERT', 'INTO', 'VALUES', 'DELETE', 'CASE',
  'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'IS', 'NULL', 'TRUE', 'IN', 'LIKE', 'ILIKE', 'ESCAPE', 'WITH', 'USE',
  'MAP', 'int', 'string', 't0', 'c1', '`c 2`', 'sum', 'count', 'w1', '1', '-', '+', '*', '/', '%', '=', '==',
  '<>', '!=', '<', '>=', '!', '~', '&', '|', '^', '(', ')', ',', '.', ';', '[', ']', '?', '2s', '10m', '5L',
  '3.3f', '1e400', '9223372036854775808', "'str'", '"dq"', "'open", '@@x', '/*', '*/', '--', '\n', '{0}', 'd[0]',
];

const tokenSoup = fc
  .array(fc.constantFrom(...VOCABULARY), { maxLength: 40 })
  .chain((tokens) => fc.array(fc.constantFrom(' ', '', '\t'), { minLength: tokens.length, maxLength: tokens.length })
    .map((gaps) => tokens.map((t, i) => `${t}${gaps[i]}`).join('')));

function checkResult(sql: string): void {
  const result = parseScript(sql);
  if (!result.ok) {
    expect(result.message).toMatch(/^Syntax error: /);
    expect(result.line).toBeGreaterThanOrEqual(1);
    expect(result.column).toBeGreaterThanOrEqual(1);
    expect(result.offset).toBeLessThanOrEqual(sql.length);
  }
}

describe('the parser never throws', () => {
  it('on token soup', () => {
    fc.assert(fc.property(tokenSoup, (sql) => checkResult(sql)), { numRuns: 3000 });
  });

  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80, unit: 'grapheme' }), (sql) => checkResult(sql)), { numRuns: 1000 });
  });
});

const NAMES = ['a', 'b', 'c1', 't0.c2', 'db.t.c3'];
const FUNCTIONS = ['sum', 'lag', 'concat', 'int'];
const BINARY_OPS: BinaryOp[] = ['+', '-', '*', '/', '%', 'DIV', '&', '|', '^', '=', '!=', '<', '<=', '>', '>=', 'AND', 'OR', 'XOR'];
const TYPES: DataType[] = (['int', 'bigint', 'string', 'double', 'timestamp'] as const).map((type) => ({
  kind: 'scalarType',
  type,
  pos: NO_POS,
}));

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.constantFrom(...NAMES).map((n) => col(n)),
  fc.integer({ min: -2147483648, max: 2147483647 }).map((v) => int(v)),
  fc.constantFrom(0.5, -2.25, 1e-3).map((v) => double(v)),
  fc.constantFrom('x', "it's", '').map((v) => str(v, printExpr(str(v, '')))),
  fc.constantFrom<Expr>(
    { kind: 'literal', type: 'bool', value: true, image: 'TRUE', pos: NO_POS },
    { kind: 'literal', type: 'null', value: null, image: 'NULL', pos: NO_POS },
  ),
);

const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom('-', '+', '~', 'NOT') as fc.Arbitrary<'-' | '+' | '~' | 'NOT'>, sub).map(([op, e]) => unary(op, e)),
      fc.tuple(fc.constantFrom(...BINARY_OPS), sub, sub).map(([op, l, r]) => binary(op, l, r)),
      fc.tuple(sub, fc.constantFrom('NULL', 'TRUE', 'FALSE') as fc.Arbitrary<'NULL' | 'TRUE' | 'FALSE'>, fc.boolean())
        .map(([operand, test, negated]): Expr => ({ kind: 'is', operand, test, negated, pos: NO_POS })),
      fc.tuple(sub, sub, sub, fc.boolean())
        .map(([operand, low, high, negated]): Expr => ({ kind: 'between', operand, low, high, negated, pos: NO_POS })),
      fc.tuple(sub, fc.array(sub, { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([operand, list, negated]): Expr => ({ kind: 'in', operand, list, negated, pos: NO_POS })),
      fc.tuple(fc.constantFrom('LIKE', 'ILIKE', 'RLIKE') as fc.Arbitrary<LikeOp>, sub, sub, fc.option(sub, { nil: undefined }), fc.boolean())
        .map(([op, operand, pattern, escapeExpr, negated]): Expr =>
          escapeExpr === undefined
            ? { kind: 'like', op, operand, pattern, negated, pos: NO_POS }
            : { kind: 'like', op, operand, pattern, escape: escapeExpr, negated, pos: NO_POS },
        ),
      fc.tuple(sub, fc.constantFrom(...TYPES)).map(([operand, type]): Expr => ({ kind: 'cast', operand, type, pos: NO_POS })),
      fc.tuple(fc.constantFrom(...FUNCTIONS), fc.array(sub, { maxLength: 3 })).map(([name, args]) => call(name, args)),
      fc.tuple(sub, sub).map(([operand, index]): Expr => ({ kind: 'subscript', operand, index, pos: NO_POS })),
      fc.tuple(fc.option(sub, { nil: undefined }), fc.array(fc.tuple(sub, sub), { minLength: 1, maxLength: 2 }), fc.option(sub, { nil: undefined }))
        .map(([operand, whens, elseResult]): Expr => ({
          kind: 'case',
          ...(operand === undefined ? {} : { operand }),
          whens: whens.map(([when, result]) => ({ kind: 'caseWhen' as const, when, result, pos: NO_POS })),
          ...(elseResult === undefined ? {} : { elseResult }),
          pos: NO_POS,
        })),
    ),
  };
});

describe('printing', () => {
  it('gives SQL that parses back to the same expression tree', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const sql = printExpr(e);
        const parsed = parseExpression(sql);
        if (!parsed.ok) throw new Error(`${sql}\n${parsed.message}`);
        expect(withoutPositions(parsed.value), sql).toEqual(withoutPositions(e));
      }),
      { numRuns: 2000 },
    );
  });
});
