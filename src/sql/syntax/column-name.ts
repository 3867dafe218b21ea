/**
 * Output column names of select items, as the reference names them:
 * - an alias wins;
 * - a bare column reference (`t.c`) is named after the column (`c`);
 * - any other expression is named after its text in the reference's normalized form: binary
 *   operators spaced (`c2 + 1`), a window call glued to `over` (`sum(c4)over w1`), arguments
 *   separated by `, `, names as written.
 *
 * The forms checked against the conformance cases are literals, binary arithmetic and window
 * calls. The rest follows the same rules by analogy and is documented in DESIGN.md.
 */
import type { Expr, Literal, SelectItem } from './ast.js';
import { printDataType, printWindowSpec } from './printer.js';
import { visit } from './visitor.js';

/** The reference's names for operators in expression text. */
const OPERATOR_NAMES: Record<string, string> = { '%': '%', DIV: 'DIV' };

function literalName(literal: Literal): string {
  switch (literal.type) {
    case 'int':
    case 'bigint':
      return String(literal.value);
    case 'float':
    case 'double':
      // Printed like C's %f, as the reference does for floating constants.
      return literal.value.toFixed(6);
    case 'string':
      return literal.value;
    case 'bool':
      return literal.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

/** The normalized text of an expression, used to name unaliased select items. */
export function exprName(expr: Expr): string {
  return visit<Expr, string>(expr, {
    literal: (n) => literalName(n),
    param: () => '?',
    column: (n) => [n.db, n.table, n.column].filter((p) => p !== undefined).map((p) => p.name).join('.'),
    star: (n) => [n.db, n.table].filter((p) => p !== undefined).map((p) => p.name).concat('*').join('.'),
    unary: (n) => `${n.op} ${exprName(n.operand)}`,
    binary: (n) => `${exprName(n.left)} ${OPERATOR_NAMES[n.op] ?? n.op} ${exprName(n.right)}`,
    is: (n) => `${exprName(n.operand)} IS ${n.negated ? 'NOT ' : ''}${n.test}`,
    between: (n) =>
      `${exprName(n.operand)} ${n.negated ? 'NOT ' : ''}BETWEEN ${exprName(n.low)} AND ${exprName(n.high)}`,
    in: (n) => `${exprName(n.operand)} ${n.negated ? 'NOT ' : ''}IN (${n.list.map(exprName).join(', ')})`,
    like: (n) => {
      const escapeText = n.escape === undefined ? '' : ` ESCAPE ${exprName(n.escape)}`;
      return `${exprName(n.operand)} ${n.negated ? 'NOT ' : ''}${n.op} ${exprName(n.pattern)}${escapeText}`;
    },
    cast: (n) => `CAST(${exprName(n.operand)} AS ${printDataType(n.type).toLowerCase()})`,
    case: (n) => {
      const parts = ['CASE'];
      if (n.operand !== undefined) parts.push(exprName(n.operand));
      for (const w of n.whens) parts.push(`WHEN ${exprName(w.when)} THEN ${exprName(w.result)}`);
      if (n.elseResult !== undefined) parts.push(`ELSE ${exprName(n.elseResult)}`);
      parts.push('END');
      return parts.join(' ');
    },
    call: (n) => {
      const call = `${n.name.name}(${n.distinct ? 'DISTINCT ' : ''}${n.args.map(exprName).join(', ')})`;
      if (n.over === undefined) return call;
      return `${call}over ${n.over.kind === 'windowRef' ? n.over.name.name : printWindowSpec(n.over)}`;
    },
    subscript: (n) => `${exprName(n.operand)}[${exprName(n.index)}]`,
  });
}

/** The output column name of a select item (`*` items are expanded by the planner instead). */
export function selectItemName(item: SelectItem): string {
  if (item.alias !== undefined) return item.alias.name;
  if (item.expr.kind === 'column') return item.expr.column.name;
  return exprName(item.expr);
}
