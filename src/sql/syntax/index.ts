/** The SQL front end: lexer, parser, syntax tree, printer, column naming, script splitting. */
export type * from './ast.js';
export { exprName, selectItemName } from './column-name.js';
export { RESERVED_WORDS } from './keywords.js';
export { SQL_TEXT_CHARS_MAX } from './lexer.js';
export { parseExpression, parseScript, parseStatement, TREE_DEPTH_MAX } from './parse.js';
export {
  formatDeploySql,
  type PrintStyle,
  printDataType,
  printExpr,
  printIdent,
  printQuery,
  printStatement,
  quoteString,
} from './printer.js';
export { type SplitResult, type StatementSlice, splitStatements } from './split.js';
export { formatSyntaxError, type ParseResult, type SqlSyntaxError } from './syntax-error.js';
export { NESTING_DEPTH_MAX } from './token-cursor.js';
export { columnTypeFromName, TYPE_NAMES } from './type-names.js';
export { withoutPositions } from './without-positions.js';
export {
  childrenOf,
  type ExprVisitor,
  type FromItemVisitor,
  type NodeVisitor,
  type QueryBodyVisitor,
  type StatementVisitor,
  type Visitor,
  visit,
  walk,
} from './visitor.js';
