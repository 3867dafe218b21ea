/**
 * Short constructors for syntax trees built in code (tests, rewrites). Nodes get a placeholder
 * position at 1:1; compare such trees with parsed ones through `withoutPositions`.
 */
import type {
  Binary,
  BinaryOp,
  Call,
  ColumnRef,
  DoubleLiteral,
  Expr,
  Ident,
  IntLiteral,
  BigintLiteral,
  ObjectName,
  SourcePos,
  Star,
  StringLiteral,
  Unary,
  UnaryOp,
  WindowRef,
  WindowSpec,
} from './ast.js';

export const NO_POS: SourcePos = { offset: 0, line: 1, column: 1 };

export function ident(name: string, quoted = false): Ident {
  return { kind: 'ident', name, quoted, pos: NO_POS };
}

/** `col('c')`, `col('t.c')`, `col('db.t.c')`. */
export function col(path: string): ColumnRef {
  const parts = path.split('.').map((p) => ident(p));
  if (parts.length === 1) return { kind: 'column', column: parts[0]!, pos: NO_POS };
  if (parts.length === 2) return { kind: 'column', table: parts[0]!, column: parts[1]!, pos: NO_POS };
  return { kind: 'column', db: parts[0]!, table: parts[1]!, column: parts[2]!, pos: NO_POS };
}

/** `objectName('t')`, `objectName('db.t')`. */
export function objectName(path: string): ObjectName {
  const [a, b] = path.split('.');
  return b === undefined
    ? { kind: 'objectName', name: ident(a!), pos: NO_POS }
    : { kind: 'objectName', db: ident(a!), name: ident(b), pos: NO_POS };
}

export function int(value: number, image = String(value)): IntLiteral {
  return { kind: 'literal', type: 'int', value, image, pos: NO_POS };
}

export function bigint(value: bigint, image = `${value}L`): BigintLiteral {
  return { kind: 'literal', type: 'bigint', value, image, pos: NO_POS };
}

export function double(value: number, image = String(value)): DoubleLiteral {
  return { kind: 'literal', type: 'double', value, image, pos: NO_POS };
}

export function str(value: string, image = `'${value}'`): StringLiteral {
  return { kind: 'literal', type: 'string', value, image, pos: NO_POS };
}

export function binary(op: BinaryOp, left: Expr, right: Expr): Binary {
  return { kind: 'binary', op, left, right, pos: NO_POS };
}

export function unary(op: UnaryOp, operand: Expr): Unary {
  return { kind: 'unary', op, operand, pos: NO_POS };
}

export function star(table?: string): Star {
  return table === undefined ? { kind: 'star', pos: NO_POS } : { kind: 'star', table: ident(table), pos: NO_POS };
}

export function windowRef(name: string): WindowRef {
  return { kind: 'windowRef', name: ident(name), pos: NO_POS };
}

export function call(name: string, args: Expr[], over?: WindowRef | WindowSpec, distinct = false): Call {
  const node: Call = { kind: 'call', name: ident(name), args, distinct, pos: NO_POS };
  return over === undefined ? node : { ...node, over };
}
