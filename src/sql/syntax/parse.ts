/**
 * Entry points of the parser. They never throw on bad input: every syntax problem comes back as a
 * `SqlSyntaxError` value with its position.
 */
import type { AnyNode, Expr, Statement } from './ast.js';
import { tokenize } from './lexer.js';
import { StatementParser } from './statement-parser.js';
import { type ParseResult, syntaxError, syntaxProblem } from './syntax-error.js';
import { ParseAbort } from './token-cursor.js';
import { childrenOf } from './visitor.js';

/**
 * Deepest tree accepted. Operator chains (`a + b + ... + z`) are parsed in a loop but make deep
 * trees, which every later pass walks recursively; this keeps those passes off the stack limit.
 */
export const TREE_DEPTH_MAX = 1000;

/** The first node lying deeper than TREE_DEPTH_MAX, found without recursion. */
function tooDeep(root: AnyNode): AnyNode | undefined {
  const stack: [AnyNode, number][] = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top;
    if (depth > TREE_DEPTH_MAX) return node;
    for (const child of childrenOf(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}

function run<T extends AnyNode | readonly AnyNode[]>(sql: string, body: (parser: StatementParser) => T): ParseResult<T> {
  const tokens = tokenize(sql);
  if (!tokens.ok) return tokens;
  let value: T;
  try {
    value = body(new StatementParser(tokens.value));
  } catch (e) {
    if (e instanceof ParseAbort) return e.error;
    throw e;
  }
  const roots: readonly AnyNode[] = Array.isArray(value) ? value : [value as AnyNode];
  for (const root of roots) {
    const deep = tooDeep(root);
    if (deep !== undefined) {
      return syntaxProblem(deep.pos, `the statement's tree is more than ${TREE_DEPTH_MAX} levels deep`, 'a deeply nested expression');
    }
  }
  return { ok: true, value };
}

/** Parses a script: statements separated by `;` (empty statements are skipped). */
export function parseScript(sql: string): ParseResult<readonly Statement[]> {
  return run(sql, (parser) => parser.parseStatements());
}

/** Parses exactly one statement; a trailing `;` is optional. */
export function parseStatement(sql: string): ParseResult<Statement> {
  const parsed = parseScript(sql);
  if (!parsed.ok) return parsed;
  const statements = parsed.value;
  if (statements.length === 1) return { ok: true, value: statements[0]! };
  if (statements.length === 0) {
    const end = sql.split('\n');
    const line = end.length;
    const column = end[end.length - 1]!.length + 1;
    return syntaxError({ offset: sql.length, line, column }, 'a statement', 'end of input');
  }
  const second = statements[1]!;
  return syntaxError(second.pos, 'end of input (one statement only)', 'another statement');
}

/** Parses one expression, e.g. a DEFAULT value or a filter typed by a user. */
export function parseExpression(sql: string): ParseResult<Expr> {
  return run(sql, (parser) => parser.parseStandaloneExpr());
}
