/**
 * Queries: WITH, SELECT, FROM (tables, subqueries, LAST JOIN, LEFT JOIN), WHERE, GROUP BY, HAVING,
 * WINDOW, UNION, LIMIT, and window specifications with OpenMLDB's extensions (UNION sources,
 * ROWS_RANGE, OPEN PRECEDING, MAXSIZE, EXCLUDE CURRENT_ROW / CURRENT_TIME, INSTANCE_NOT_IN_WINDOW).
 */
import type {
  Cte,
  Expr,
  Frame,
  FrameBound,
  FromItem,
  Ident,
  ObjectName,
  Preceding,
  Query,
  QueryBody,
  Select,
  SelectItem,
  SubqueryRef,
  TableRef,
  WindowDef,
  WindowSpec,
} from './ast.js';
import { ExprParser } from './expr-parser.js';
import { OPERATOR_WORDS, isReserved } from './keywords.js';
import type { Token } from './token.js';

/** Words that end a select list even after a trailing comma (`SELECT a, b, FROM t`). */
const SELECT_LIST_END = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'WINDOW', 'UNION', 'LIMIT', 'INTO']);

export abstract class QueryParser extends ExprParser {
  protected parseQuery(): Query {
    const start = this.peek();
    this.enter();
    const ctes: Cte[] = [];
    if (this.acceptWord('WITH')) {
      if (this.isWord('RECURSIVE')) this.failProblem('WITH RECURSIVE is not supported');
      do {
        const name = this.identifier('a name for the WITH query');
        this.expectWord('AS');
        this.expectSymbol('(');
        const query = this.parseQuery();
        this.expectSymbol(')');
        ctes.push({ kind: 'cte', name, query, pos: name.pos });
      } while (this.acceptSymbol(','));
    }
    const body = this.parseQueryExpr();
    const limit = this.acceptWord('LIMIT') ? this.parseUnsignedInteger('an integer after LIMIT') : undefined;
    this.leave();
    const query: Query = { kind: 'query', with: ctes, body, pos: start.pos };
    return limit === undefined ? query : { ...query, limit };
  }

  /** True if the next tokens start a query (`SELECT`, `WITH` or a parenthesized query). */
  protected queryAhead(ahead = 0): boolean {
    let i = ahead;
    while (this.isSymbol('(', i)) i++;
    return this.isWord('SELECT', i) || this.isWord('WITH', i);
  }

  private parseQueryExpr(): QueryBody {
    let left = this.parseQueryTerm();
    let firstAll: boolean | undefined;
    while (this.isWord('UNION')) {
      const union = this.next();
      let all: boolean;
      if (this.acceptWord('ALL')) all = true;
      else if (this.acceptWord('DISTINCT')) all = false;
      else this.fail('ALL or DISTINCT after UNION');
      if (firstAll !== undefined && firstAll !== all) {
        this.failProblem('UNION ALL and UNION DISTINCT cannot be mixed without parentheses', union);
      }
      firstAll = all;
      const right = this.parseQueryTerm();
      left = { kind: 'setOperation', op: 'UNION', all, left, right, pos: left.pos };
    }
    return left;
  }

  private parseQueryTerm(): QueryBody {
    if (this.isSymbol('(')) {
      this.next();
      const query = this.parseQuery();
      this.expectSymbol(')');
      return query;
    }
    return this.parseSelect();
  }

  private parseSelect(): Select {
    const start = this.expectWord('SELECT');
    let distinct = false;
    if (this.acceptWord('DISTINCT')) distinct = true;
    else this.acceptWord('ALL');
    const items = this.parseSelectList();
    const from = this.acceptWord('FROM') ? this.parseFromItem() : undefined;
    const where = this.acceptWord('WHERE') ? this.parseExpr() : undefined;
    let groupBy: Expr[] = [];
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY');
      groupBy = this.parseExprList();
    }
    const having = this.acceptWord('HAVING') ? this.parseExpr() : undefined;
    const windows: WindowDef[] = [];
    if (this.acceptWord('WINDOW')) {
      do {
        const name = this.identifier('a window name');
        this.expectWord('AS');
        windows.push({ kind: 'windowDef', name, spec: this.parseWindowSpec(), pos: name.pos });
      } while (this.acceptSymbol(','));
    }
    return {
      kind: 'select',
      distinct,
      items,
      ...(from === undefined ? {} : { from }),
      ...(where === undefined ? {} : { where }),
      groupBy,
      ...(having === undefined ? {} : { having }),
      windows,
      pos: start.pos,
    };
  }

  private parseSelectList(): SelectItem[] {
    const items = [this.parseSelectItem()];
    while (this.acceptSymbol(',')) {
      if (this.selectListEndsAhead()) break;
      items.push(this.parseSelectItem());
    }
    return items;
  }

  /** After a comma: the list ended with a trailing comma. */
  private selectListEndsAhead(): boolean {
    const t = this.peek();
    if (t.type === 'eof' || this.isSymbol(';') || this.isSymbol(')')) return true;
    if (t.type !== 'word') return false;
    return SELECT_LIST_END.has(t.upper) || (t.upper === 'CONFIG' && this.isSymbol('(', 1));
  }

  private parseSelectItem(): SelectItem {
    const expr = this.parseExprOrStar();
    const alias = expr.kind === 'star' ? undefined : this.parseOptionalAlias();
    return alias === undefined
      ? { kind: 'selectItem', expr, pos: expr.pos }
      : { kind: 'selectItem', expr, alias, pos: expr.pos };
  }

  /** `AS name`, or a name without AS when the next word cannot continue the statement. */
  protected parseOptionalAlias(): Ident | undefined {
    if (this.acceptWord('AS')) return this.identifier('an alias after AS');
    return this.implicitAliasAhead() ? this.identifier() : undefined;
  }

  private implicitAliasAhead(): boolean {
    const t = this.peek();
    if (t.type === 'quotedIdent') return true;
    if (t.type !== 'word' || isReserved(t.upper) || OPERATOR_WORDS.has(t.upper)) return false;
    if (t.upper === 'LAST' && this.isWord('JOIN', 1)) return false;
    if ((t.upper === 'CONFIG' || t.upper === 'OPTIONS') && this.isSymbol('(', 1)) return false;
    return true;
  }

  protected parseObjectName(what: string): ObjectName {
    const first = this.identifier(what);
    if (!this.acceptSymbol('.')) return { kind: 'objectName', name: first, pos: first.pos };
    const name = this.identifier(`${what} after "."`);
    return { kind: 'objectName', db: first, name, pos: first.pos };
  }

  private parseFromItem(): FromItem {
    let left: FromItem = this.parseFromPrimary();
    for (;;) {
      if (this.isWord('LAST') && this.isWord('JOIN', 1)) {
        this.next();
        this.next();
        const right = this.parseFromPrimary();
        const orderBy = this.acceptWord('ORDER') ? this.parseOrderBy() : [];
        this.expectWord('ON');
        const on = this.parseExpr();
        left = { kind: 'join', type: 'LAST', left, right, orderBy, on, pos: left.pos };
      } else if (this.isWord('LEFT')) {
        this.next();
        this.acceptWord('OUTER');
        this.expectWord('JOIN');
        const right = this.parseFromPrimary();
        this.expectWord('ON');
        const on = this.parseExpr();
        left = { kind: 'join', type: 'LEFT', left, right, orderBy: [], on, pos: left.pos };
      } else if (['JOIN', 'INNER', 'RIGHT', 'FULL', 'CROSS'].some((w) => this.isWord(w)) || this.isSymbol(',')) {
        this.failProblem('only LAST JOIN and LEFT [OUTER] JOIN are supported');
      } else {
        return left;
      }
    }
  }

  private parseFromPrimary(): TableRef | SubqueryRef {
    const start = this.peek();
    if (this.isSymbol('(')) {
      if (!this.queryAhead(1)) this.fail('a subquery', this.peek(1));
      this.next();
      const query = this.parseQuery();
      this.expectSymbol(')');
      const alias = this.parseOptionalAlias();
      return alias === undefined
        ? { kind: 'subqueryRef', query, pos: start.pos }
        : { kind: 'subqueryRef', query, alias, pos: start.pos };
    }
    const name = this.parseObjectName('a table name');
    const alias = this.parseOptionalAlias();
    return alias === undefined ? { kind: 'tableRef', name, pos: start.pos } : { kind: 'tableRef', name, alias, pos: start.pos };
  }

  /** After ORDER: `BY key [ASC], ...`. DESC is rejected: windows and LAST JOIN order ascending. */
  private parseOrderBy(): Expr[] {
    this.expectWord('BY');
    const keys: Expr[] = [];
    do {
      keys.push(this.parseExpr());
      if (this.isWord('DESC')) {
        this.failProblem('ORDER BY ... DESC is not supported; windows and LAST JOIN order ascending only');
      }
      this.acceptWord('ASC');
    } while (this.acceptSymbol(','));
    return keys;
  }

  protected parseWindowSpec(): WindowSpec {
    const open = this.expectSymbol('(');
    this.enter();
    const unions: (TableRef | SubqueryRef)[] = [];
    if (this.acceptWord('UNION')) {
      do unions.push(this.parseFromPrimary());
      while (this.acceptSymbol(','));
    }
    let partitionBy: Expr[] = [];
    if (this.acceptWord('PARTITION')) {
      this.expectWord('BY');
      partitionBy = this.parseExprList();
    }
    const orderBy = this.acceptWord('ORDER') ? this.parseOrderBy() : [];
    if (this.isWord('RANGE')) this.failProblem('RANGE frames are not supported; use ROWS or ROWS_RANGE');
    const frame = this.isWord('ROWS') || this.isWord('ROWS_RANGE') ? this.parseFrame() : undefined;
    const maxSize =
      frame !== undefined && this.acceptWord('MAXSIZE') ? this.parseUnsignedInteger('an integer after MAXSIZE') : undefined;
    let excludeCurrentRow = false;
    let excludeCurrentTime = false;
    let instanceNotInWindow = false;
    for (;;) {
      const t = this.peek();
      if (this.acceptWord('EXCLUDE')) {
        if (this.acceptWord('CURRENT_ROW') && !excludeCurrentRow) excludeCurrentRow = true;
        else if (this.acceptWord('CURRENT_TIME') && !excludeCurrentTime) excludeCurrentTime = true;
        else this.fail('CURRENT_ROW or CURRENT_TIME (each at most once)', this.tokenAfter(t));
      } else if (this.isWord('INSTANCE_NOT_IN_WINDOW') && !instanceNotInWindow) {
        this.next();
        instanceNotInWindow = true;
      } else {
        break;
      }
    }
    this.expectSymbol(')');
    this.leave();
    return {
      kind: 'windowSpec',
      unions,
      partitionBy,
      orderBy,
      ...(frame === undefined ? {} : { frame }),
      ...(maxSize === undefined ? {} : { maxSize }),
      excludeCurrentRow,
      excludeCurrentTime,
      instanceNotInWindow,
      pos: open.pos,
    };
  }

  private tokenAfter(t: Token): Token {
    const i = this.tokens.indexOf(t);
    return this.tokens[Math.min(i + 1, this.tokens.length - 1)]!;
  }

  private parseFrame(): Frame {
    const unitToken = this.next();
    const unit = unitToken.upper === 'ROWS' ? 'ROWS' : 'ROWS_RANGE';
    if (this.acceptWord('BETWEEN')) {
      const start = this.parseFrameBound();
      this.expectWord('AND');
      const end = this.parseFrameBound();
      return { kind: 'frame', unit, start, end, pos: unitToken.pos };
    }
    const start = this.parseFrameBound();
    return { kind: 'frame', unit, start, end: { kind: 'currentRow', pos: start.pos }, pos: unitToken.pos };
  }

  private parseFrameBound(): FrameBound {
    const t = this.peek();
    const expected = 'a frame bound (UNBOUNDED PRECEDING, CURRENT ROW or N [OPEN] PRECEDING)';
    if (this.acceptWord('UNBOUNDED')) {
      if (this.isWord('FOLLOWING')) this.failProblem('FOLLOWING frame bounds are not supported');
      this.expectWord('PRECEDING');
      return { kind: 'unboundedPreceding', pos: t.pos };
    }
    if (this.acceptWord('CURRENT')) {
      this.expectWord('ROW');
      return { kind: 'currentRow', pos: t.pos };
    }
    const sign = this.isSymbol('-') || this.isSymbol('+') ? this.next() : undefined;
    const number = this.peek();
    let offset: Preceding['offset'];
    if (number.type === 'integer') {
      this.next();
      offset = this.numberLiteral(number, sign) as Preceding['offset'];
    } else if (number.type === 'interval') {
      this.next();
      offset = this.intervalFrom(number, sign);
    } else {
      return this.fail(expected);
    }
    const open = this.acceptWord('OPEN');
    if (this.isWord('FOLLOWING')) this.failProblem('FOLLOWING frame bounds are not supported');
    this.expectWord('PRECEDING');
    return { kind: 'preceding', offset, open, pos: t.pos };
  }
}
