/**
 * Expressions, by Pratt parsing. Binding powers follow ZetaSQL (the reference parser), with
 * MySQL's XOR between OR and AND and `!` as a tight unary NOT:
 *
 *   OR < XOR < AND < NOT < comparison, IS, [NOT] LIKE/ILIKE/RLIKE/BETWEEN/IN
 *      < | < ^ < & < + - < * / % DIV MOD < unary - + ~ ! < postfix [ ]
 *
 * A sign directly before a number is folded into the literal, so `-2147483648` is an INT and
 * `-9223372036854775808` a BIGINT, and the int64 range is checked on the signed value.
 */
import type {
  BinaryOp,
  Call,
  CaseWhen,
  DataType,
  Expr,
  Ident,
  IntegerLiteral,
  Interval,
  IntervalUnit,
  LikeOp,
  Literal,
  SourcePos,
  Star,
  WindowRef,
  WindowSpec,
} from './ast.js';
import { isReserved } from './keywords.js';
import type { Token } from './token.js';
import { identFrom, TokenCursor } from './token-cursor.js';
import { columnTypeFromName } from './type-names.js';

const BP = {
  OR: 10,
  XOR: 20,
  AND: 30,
  NOT: 40,
  COMPARE: 50,
  BIT_OR: 60,
  BIT_XOR: 70,
  BIT_AND: 80,
  ADD: 90,
  MULTIPLY: 100,
  UNARY: 110,
  POSTFIX: 120,
} as const;

const SYMBOL_OPS: ReadonlyMap<string, { op: BinaryOp; bp: number }> = new Map([
  ['+', { op: '+', bp: BP.ADD }],
  ['-', { op: '-', bp: BP.ADD }],
  ['*', { op: '*', bp: BP.MULTIPLY }],
  ['/', { op: '/', bp: BP.MULTIPLY }],
  ['%', { op: '%', bp: BP.MULTIPLY }],
  ['&', { op: '&', bp: BP.BIT_AND }],
  ['^', { op: '^', bp: BP.BIT_XOR }],
  ['|', { op: '|', bp: BP.BIT_OR }],
  ['=', { op: '=', bp: BP.COMPARE }],
  ['==', { op: '=', bp: BP.COMPARE }],
  ['!=', { op: '!=', bp: BP.COMPARE }],
  ['<>', { op: '!=', bp: BP.COMPARE }],
  ['<', { op: '<', bp: BP.COMPARE }],
  ['<=', { op: '<=', bp: BP.COMPARE }],
  ['>', { op: '>', bp: BP.COMPARE }],
  ['>=', { op: '>=', bp: BP.COMPARE }],
] as const);

const WORD_OPS: ReadonlyMap<string, { op: BinaryOp; bp: number }> = new Map([
  ['AND', { op: 'AND', bp: BP.AND }],
  ['OR', { op: 'OR', bp: BP.OR }],
  ['XOR', { op: 'XOR', bp: BP.XOR }],
  ['DIV', { op: 'DIV', bp: BP.MULTIPLY }],
  ['MOD', { op: '%', bp: BP.MULTIPLY }],
] as const);

const PREDICATE_WORDS = new Set(['IS', 'LIKE', 'ILIKE', 'RLIKE', 'BETWEEN', 'IN']);
const NEGATABLE_PREDICATES = new Set(['LIKE', 'ILIKE', 'RLIKE', 'BETWEEN', 'IN']);

/** Words inside `OVER (...)` that start a window specification rather than name a window. */
const WINDOW_SPEC_WORDS = new Set(['PARTITION', 'ORDER', 'UNION', 'ROWS', 'ROWS_RANGE', 'RANGE']);

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export abstract class ExprParser extends TokenCursor {
  /** Parses `( window spec )` after OVER; the query layer knows UNION sources and subqueries. */
  protected abstract parseWindowSpec(): WindowSpec;

  /** Parses an expression whose operators all bind tighter than `minBp`. */
  protected parseExpr(minBp = 0): Expr {
    this.enter();
    let left = this.parsePrefix();
    for (;;) {
      const bp = this.infixPower();
      if (bp === undefined || bp <= minBp) break;
      left = this.parseInfix(left, bp);
    }
    this.leave();
    return left;
  }

  protected parseExprList(): Expr[] {
    const list = [this.parseExpr()];
    while (this.acceptSymbol(',')) list.push(this.parseExpr());
    return list;
  }

  /** An expression, or `*` / `t.*` / `db.t.*` (select items and call arguments). */
  protected parseExprOrStar(): Expr {
    const star = this.tryStar();
    return star ?? this.parseExpr();
  }

  private tryStar(): Star | undefined {
    const first = this.peek();
    if (this.isSymbol('*')) {
      this.next();
      return { kind: 'star', pos: first.pos };
    }
    if (this.isIdentifier() && this.isSymbol('.', 1) && this.isSymbol('*', 2)) {
      const table = identFrom(this.next());
      this.next();
      this.next();
      return { kind: 'star', table, pos: first.pos };
    }
    if (
      this.isIdentifier() &&
      this.isSymbol('.', 1) &&
      this.isIdentifier(2) &&
      this.isSymbol('.', 3) &&
      this.isSymbol('*', 4)
    ) {
      const db = identFrom(this.next());
      this.next();
      const table = identFrom(this.next());
      this.next();
      this.next();
      return { kind: 'star', db, table, pos: first.pos };
    }
    return undefined;
  }

  private infixPower(): number | undefined {
    const t = this.peek();
    if (t.type === 'symbol') {
      if (t.value === '[') return BP.POSTFIX;
      return SYMBOL_OPS.get(t.value)?.bp;
    }
    if (t.type !== 'word') return undefined;
    const word = WORD_OPS.get(t.upper);
    if (word !== undefined) return word.bp;
    if (PREDICATE_WORDS.has(t.upper)) return BP.COMPARE;
    if (t.upper === 'NOT') {
      const after = this.peek(1);
      if (after.type === 'word' && NEGATABLE_PREDICATES.has(after.upper)) return BP.COMPARE;
    }
    return undefined;
  }

  private parseInfix(left: Expr, bp: number): Expr {
    const t = this.next();
    const pos = left.pos;
    if (t.type === 'symbol' && t.value === '[') {
      const index = this.parseExpr();
      this.expectSymbol(']');
      return { kind: 'subscript', operand: left, index, pos };
    }
    const binary = t.type === 'symbol' ? SYMBOL_OPS.get(t.value) : WORD_OPS.get(t.upper);
    if (binary !== undefined) {
      const right = this.parseExpr(bp);
      return { kind: 'binary', op: binary.op, left, right, pos };
    }
    if (t.upper === 'IS') {
      const negated = this.acceptWord('NOT');
      const test = this.peek();
      if (test.type !== 'word' || !['NULL', 'TRUE', 'FALSE'].includes(test.upper)) {
        this.fail('NULL, TRUE or FALSE');
      }
      this.next();
      return { kind: 'is', operand: left, test: test.upper as 'NULL' | 'TRUE' | 'FALSE', negated, pos };
    }
    const negated = t.upper === 'NOT';
    const predicate = negated ? this.next() : t;
    switch (predicate.upper) {
      case 'BETWEEN': {
        const low = this.parseExpr(BP.COMPARE);
        this.expectWord('AND');
        const high = this.parseExpr(BP.COMPARE);
        return { kind: 'between', operand: left, low, high, negated, pos };
      }
      case 'IN': {
        this.expectSymbol('(');
        if (this.isWord('SELECT') || this.isWord('WITH')) {
          this.failProblem('IN (subquery) is not supported; list the values');
        }
        const list = this.parseExprList();
        this.expectSymbol(')');
        return { kind: 'in', operand: left, list, negated, pos };
      }
      default: {
        const op = predicate.upper as LikeOp;
        const pattern = this.parseExpr(BP.COMPARE);
        const escapeExpr = this.acceptWord('ESCAPE') ? this.parseExpr(BP.COMPARE) : undefined;
        return escapeExpr === undefined
          ? { kind: 'like', op, operand: left, pattern, negated, pos }
          : { kind: 'like', op, operand: left, pattern, escape: escapeExpr, negated, pos };
      }
    }
  }

  private parsePrefix(): Expr {
    const t = this.peek();
    switch (t.type) {
      case 'integer':
      case 'decimal':
        this.next();
        return this.numberLiteral(t, undefined);
      case 'string':
        this.next();
        return { kind: 'literal', type: 'string', value: t.value, image: t.image, pos: t.pos };
      case 'quotedIdent':
        return this.parsePath();
      case 'word':
        return this.parseWordPrefix(t);
      case 'symbol':
        return this.parseSymbolPrefix(t);
      default:
        return this.fail('an expression');
    }
  }

  private parseSymbolPrefix(t: Token): Expr {
    switch (t.value) {
      case '(': {
        this.next();
        if (this.isWord('SELECT') || this.isWord('WITH')) {
          this.failProblem('subqueries in expressions are not supported');
        }
        const inner = this.parseExpr();
        this.expectSymbol(')');
        return inner;
      }
      case '-':
      case '+': {
        this.next();
        const operand = this.peek();
        if (operand.type === 'integer' || operand.type === 'decimal') {
          this.next();
          return this.numberLiteral(operand, t);
        }
        return { kind: 'unary', op: t.value as '-' | '+', operand: this.parseExpr(BP.UNARY), pos: t.pos };
      }
      case '~':
        this.next();
        return { kind: 'unary', op: '~', operand: this.parseExpr(BP.UNARY), pos: t.pos };
      case '!':
        this.next();
        return { kind: 'unary', op: 'NOT', operand: this.parseExpr(BP.UNARY), pos: t.pos };
      case '?':
        this.next();
        return { kind: 'param', index: this.paramCount++, pos: t.pos };
      default:
        return this.fail('an expression');
    }
  }

  private parseWordPrefix(t: Token): Expr {
    switch (t.upper) {
      case 'NULL':
        this.next();
        return { kind: 'literal', type: 'null', value: null, image: t.image, pos: t.pos };
      case 'TRUE':
      case 'FALSE':
        this.next();
        return { kind: 'literal', type: 'bool', value: t.upper === 'TRUE', image: t.image, pos: t.pos };
      case 'NOT':
        this.next();
        return { kind: 'unary', op: 'NOT', operand: this.parseExpr(BP.NOT), pos: t.pos };
      case 'CASE':
        return this.parseCase();
      case 'CAST':
        return this.parseCast();
      case 'IF':
        if (this.isSymbol('(', 1)) return this.parseCall(identFrom(this.next()));
        return this.fail('an expression');
      default:
        if (isReserved(t.upper)) this.fail('an expression');
        return this.parsePath();
    }
  }

  /** `a`, `a.b`, `a.b.c` (column references) or `f(...)` (a call). */
  private parsePath(): Expr {
    const parts: Ident[] = [this.identifier()];
    while (this.isSymbol('.')) {
      this.next();
      if (this.isSymbol('*')) this.failProblem('"*" is allowed only as a select item or call argument');
      parts.push(this.identifier('a name after "."'));
    }
    if (this.isSymbol('(')) {
      if (parts.length > 1) this.failProblem('qualified function names are not supported');
      return this.parseCall(parts[0]!);
    }
    const [a, b, c] = parts;
    if (parts.length === 1) return { kind: 'column', column: a!, pos: a!.pos };
    if (parts.length === 2) return { kind: 'column', table: a!, column: b!, pos: a!.pos };
    if (parts.length === 3) return { kind: 'column', db: a!, table: b!, column: c!, pos: a!.pos };
    return this.failProblem(
      `a column reference has at most 3 parts (db.table.column), found ${parts.length}`,
      this.tokenAt(parts[0]!.pos),
    );
  }

  private tokenAt(pos: SourcePos): Token {
    return this.tokens.find((t) => t.pos.offset === pos.offset) ?? this.peek();
  }

  private parseCall(name: Ident): Call {
    this.expectSymbol('(');
    const distinct = this.acceptWord('DISTINCT');
    const args: Expr[] = [];
    if (!this.isSymbol(')')) {
      args.push(this.parseExprOrStar());
      while (this.acceptSymbol(',')) args.push(this.parseExprOrStar());
    }
    this.expectSymbol(')');
    if (!this.acceptWord('OVER')) return { kind: 'call', name, args, distinct, pos: name.pos };
    const over = this.parseOver();
    return { kind: 'call', name, args, distinct, over, pos: name.pos };
  }

  /** After OVER: `w`, `(w)` or `(window spec)`. */
  private parseOver(): WindowRef | WindowSpec {
    if (this.isSymbol('(')) {
      const inner = this.peek(1);
      const isSpecWord = inner.type === 'word' && WINDOW_SPEC_WORDS.has(inner.upper);
      if (this.isIdentifier(1) && !isSpecWord && this.isSymbol(')', 2)) {
        this.next();
        const name = this.identifier();
        this.next();
        return { kind: 'windowRef', name, pos: name.pos };
      }
      return this.parseWindowSpec();
    }
    const name = this.identifier('a window name or "("');
    return { kind: 'windowRef', name, pos: name.pos };
  }

  private parseCase(): Expr {
    const start = this.expectWord('CASE');
    const operand = this.isWord('WHEN') || this.isWord('END') ? undefined : this.parseExpr();
    const whens: CaseWhen[] = [];
    while (this.isWord('WHEN')) {
      const w = this.next();
      const when = this.parseExpr();
      this.expectWord('THEN');
      const result = this.parseExpr();
      whens.push({ kind: 'caseWhen', when, result, pos: w.pos });
    }
    if (whens.length === 0) this.fail('keyword WHEN');
    const elseResult = this.acceptWord('ELSE') ? this.parseExpr() : undefined;
    this.expectWord('END');
    const node = { kind: 'case' as const, whens, pos: start.pos };
    return {
      ...node,
      ...(operand === undefined ? {} : { operand }),
      ...(elseResult === undefined ? {} : { elseResult }),
    };
  }

  private parseCast(): Expr {
    const start = this.expectWord('CAST');
    this.expectSymbol('(');
    const operand = this.parseExpr();
    this.expectWord('AS');
    const type = this.parseDataType();
    this.expectSymbol(')');
    return { kind: 'cast', operand, type, pos: start.pos };
  }

  /** `int`, `VARCHAR(60)` (length ignored), `MAP<string, int>`. */
  protected parseDataType(): DataType {
    const t = this.peek();
    if (t.type !== 'word') this.fail('a type name');
    this.next();
    if (t.upper === 'MAP') {
      this.expectSymbol('<');
      const key = this.parseDataType();
      this.expectSymbol(',');
      const value = this.parseDataType();
      this.expectSymbol('>');
      return { kind: 'mapType', key, value, pos: t.pos };
    }
    const type = columnTypeFromName(t.value);
    if (type === undefined) this.failProblem(`unknown type "${t.value}"`, t);
    if (this.isSymbol('(') && this.peek(1).type === 'integer' && this.isSymbol(')', 2)) {
      this.next();
      this.next();
      this.next();
    }
    return { kind: 'scalarType', type, pos: t.pos };
  }

  /** A number token as a literal, with an optional sign token folded in. */
  protected numberLiteral(t: Token, sign: Token | undefined): Literal {
    const negative = sign?.value === '-';
    const image = negative ? `-${t.image}` : t.image;
    const pos = sign?.pos ?? t.pos;
    if (t.type === 'decimal') {
      const magnitude = Number(t.value);
      if (!Number.isFinite(magnitude)) this.failProblem(`number ${t.image} is out of range for DOUBLE`, t);
      const value = negative ? -magnitude : magnitude;
      return { kind: 'literal', type: t.suffix === 'F' ? 'float' : 'double', value, image, pos };
    }
    return this.integerLiteral(t, negative, image, pos);
  }

  private integerLiteral(t: Token, negative: boolean, image: string, pos: SourcePos): IntegerLiteral {
    const magnitude = BigInt(t.value);
    const value = negative ? -magnitude : magnitude;
    if (value < INT64_MIN || value > INT64_MAX) {
      this.failProblem(`integer literal ${image} is out of range for BIGINT`, t);
    }
    if (t.suffix !== 'L' && value >= INT32_MIN && value <= INT32_MAX) {
      return { kind: 'literal', type: 'int', value: Number(value), image, pos };
    }
    return { kind: 'literal', type: 'bigint', value, image, pos };
  }

  /** An unsigned integer literal token (LIMIT, MAXSIZE). */
  protected parseUnsignedInteger(what: string): IntegerLiteral {
    const t = this.peek();
    if (t.type !== 'integer') this.fail(what);
    this.next();
    return this.integerLiteral(t, false, t.image, t.pos);
  }

  /** An interval token, optionally signed, as an `Interval` node. */
  protected intervalFrom(t: Token, sign: Token | undefined): Interval {
    const magnitude = Number(t.value);
    if (!Number.isSafeInteger(magnitude)) this.failProblem(`interval ${t.image} is too large`, t);
    const negative = sign?.value === '-';
    return {
      kind: 'interval',
      value: negative ? -magnitude : magnitude,
      unit: t.suffix as IntervalUnit,
      image: negative ? `-${t.image}` : t.image,
      pos: sign?.pos ?? t.pos,
    };
  }
}
