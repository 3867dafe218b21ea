/**
 * Exhaustive visitors over the syntax tree (Kysely style): a visitor is an object with one method
 * per `kind` of a union, so adding a node kind fails to compile until every visitor handles it.
 *
 *   const name = visit<Expr, string>(expr, { literal: (n) => n.image, column: ..., ... });
 */
import type { AnyNode, Expr, FromItem, QueryBody, Statement } from './ast.js';

export type Visitor<U extends { readonly kind: string }, R> = {
  readonly [K in U['kind']]: (node: Extract<U, { readonly kind: K }>) => R;
};

export type ExprVisitor<R> = Visitor<Expr, R>;
export type StatementVisitor<R> = Visitor<Statement, R>;
export type FromItemVisitor<R> = Visitor<FromItem, R>;
export type QueryBodyVisitor<R> = Visitor<QueryBody, R>;
export type NodeVisitor<R> = Visitor<AnyNode, R>;

export function visit<U extends { readonly kind: string }, R>(node: U, visitor: Visitor<U, R>): R {
  const method = visitor[node.kind as U['kind']] as unknown as (n: U) => R;
  return method(node);
}

const none: readonly AnyNode[] = [];

function present(...nodes: (AnyNode | undefined)[]): AnyNode[] {
  return nodes.filter((n): n is AnyNode => n !== undefined);
}

const childVisitor: NodeVisitor<readonly AnyNode[]> = {
  // statements
  createDatabase: (n) => [n.name],
  dropDatabase: (n) => [n.name],
  useDatabase: (n) => [n.name],
  createTable: (n) => [n.table, ...n.columns, ...n.indexes, ...n.options],
  createIndex: (n) => [n.name, n.table, n.spec],
  dropIndex: (n) => [n.table, n.index],
  dropTable: (n) => [n.table],
  truncateTable: (n) => [n.table],
  show: (n) => {
    const t = n.target;
    if (t.what === 'deployment') return [t.name];
    if (t.what === 'createTable') return [t.table];
    return none;
  },
  describe: (n) => [n.table],
  setVariable: (n) => [n.name, n.value],
  insert: (n) => [n.table, ...n.columns, ...n.rows.flat()],
  delete: (n) => [n.table, n.where],
  queryStatement: (n) => present(n.query, ...n.config, n.outfile),
  deploy: (n) => [n.name, ...n.options, n.query],
  dropDeployment: (n) => [n.name],
  explain: (n) => [n.statement],
  loadData: (n) => [n.table, ...n.options],
  // expressions
  literal: () => none,
  param: () => none,
  column: (n) => present(n.db, n.table, n.column),
  star: (n) => present(n.db, n.table),
  unary: (n) => [n.operand],
  binary: (n) => [n.left, n.right],
  is: (n) => [n.operand],
  between: (n) => [n.operand, n.low, n.high],
  in: (n) => [n.operand, ...n.list],
  like: (n) => present(n.operand, n.pattern, n.escape),
  cast: (n) => [n.operand, n.type],
  case: (n) => present(n.operand, ...n.whens, n.elseResult),
  call: (n) => present(n.name, ...n.args, n.over),
  subscript: (n) => [n.operand, n.index],
  // names and types
  ident: () => none,
  objectName: (n) => present(n.db, n.name),
  scalarType: () => none,
  mapType: (n) => [n.key, n.value],
  caseWhen: (n) => [n.when, n.result],
  // windows and queries
  interval: () => none,
  windowRef: (n) => [n.name],
  unboundedPreceding: () => none,
  currentRow: () => none,
  preceding: (n) => [n.offset],
  frame: (n) => [n.start, n.end],
  windowSpec: (n) => present(...n.unions, ...n.partitionBy, ...n.orderBy, n.frame, n.maxSize),
  windowDef: (n) => [n.name, n.spec],
  selectItem: (n) => present(n.expr, n.alias),
  tableRef: (n) => present(n.name, n.alias),
  subqueryRef: (n) => present(n.query, n.alias),
  join: (n) => [n.left, n.right, ...n.orderBy, n.on],
  select: (n) => present(...n.items, n.from, n.where, ...n.groupBy, n.having, ...n.windows),
  setOperation: (n) => [n.left, n.right],
  cte: (n) => [n.name, n.query],
  query: (n) => present(...n.with, n.body, n.limit),
  // options and DDL pieces
  optionTuple: (n) => n.items,
  optionArray: (n) => n.items,
  option: (n) => [n.name, n.value],
  columnDef: (n) => present(n.name, n.type, n.defaultValue),
  ttl: (n) => n.values,
  indexSpec: (n) => present(...n.keys, n.ts, n.ttl),
  indexDef: (n) => present(n.name, n.spec),
  distributionEntry: () => none,
  partitionNum: () => none,
  replicaNum: () => none,
  distribution: (n) => n.partitions,
  storageMode: () => none,
  compressType: () => none,
  replicationMode: () => none,
  outfile: (n) => n.options,
};

/** The direct children of a node, in source order. */
export function childrenOf(node: AnyNode): readonly AnyNode[] {
  return visit<AnyNode, readonly AnyNode[]>(node, childVisitor);
}

/**
 * Calls `fn` on `node` and every descendant, parents before children. Return `false` from `fn`
 * to skip a node's children (for example to stay out of subqueries).
 */
export function walk(node: AnyNode, fn: (node: AnyNode) => unknown): void {
  if (fn(node) === false) return;
  for (const child of childrenOf(node)) walk(child, fn);
}
