/**
 * The SQL type system: the column types, the type of a bare NULL literal, and the composite
 * list<T> / map<K,V> types that only appear inside expressions (split(), window_split(), map()).
 * Also the parsing of type names (with the reference's aliases) and the "common type" rule used
 * by CASE, IFNULL/NVL/NVL2 and IN lists.
 */
import { fail, ok, type Result, Code } from '../base/status.js';
import { COLUMN_TYPES, type ColumnType, type Value } from '../protocol/schema.js';

/** A column type, or 'null': the type of a bare NULL literal (it converts to any type). */
export type PrimitiveType = ColumnType | 'null';

export interface ListType {
  readonly kind: 'list';
  readonly element: SqlType;
}

export interface MapType {
  readonly kind: 'map';
  readonly key: SqlType;
  readonly value: SqlType;
}

export type SqlType = PrimitiveType | ListType | MapType;

/**
 * Value of an expression: a column value (see schema.ts for the representation per type), a list
 * (JS array, for list<T>) or a map (JS Map keyed by primitive values, for map<K,V>).
 */
export type SqlValue = Value | readonly SqlValue[] | ReadonlyMap<Value, SqlValue>;

export function listOf(element: SqlType): ListType {
  return { kind: 'list', element };
}

export function mapOf(key: SqlType, value: SqlType): MapType {
  return { kind: 'map', key, value };
}

export function isPrimitive(t: SqlType): t is PrimitiveType {
  return typeof t === 'string';
}

export function isList(t: SqlType): t is ListType {
  return typeof t !== 'string' && t.kind === 'list';
}

export function isMap(t: SqlType): t is MapType {
  return typeof t !== 'string' && t.kind === 'map';
}

export type IntegralType = 'smallint' | 'int' | 'bigint';
export type NumericType = IntegralType | 'float' | 'double';

export function isIntegral(t: SqlType): t is IntegralType {
  return t === 'smallint' || t === 'int' || t === 'bigint';
}

export function isNumeric(t: SqlType): t is NumericType {
  return isIntegral(t) || t === 'float' || t === 'double';
}

/** Numeric types plus bool, which acts as 0/1 in arithmetic and comparisons. */
export function isNumericOrBool(t: SqlType): t is NumericType | 'bool' {
  return t === 'bool' || isNumeric(t);
}

/** Widening order used by arithmetic: bool < smallint < int < bigint < float < double. */
const NUMERIC_RANK: Readonly<Record<NumericType | 'bool', number>> = {
  bool: 0,
  smallint: 1,
  int: 2,
  bigint: 3,
  float: 4,
  double: 5,
};

export function numericRank(t: NumericType | 'bool'): number {
  return NUMERIC_RANK[t];
}

/** The wider of two numeric (or bool) types by `numericRank`. */
export function widerNumeric<T extends NumericType | 'bool'>(a: T, b: T): T {
  return NUMERIC_RANK[a] >= NUMERIC_RANK[b] ? a : b;
}

export function sameType(a: SqlType, b: SqlType): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.kind === 'list' && b.kind === 'list') return sameType(a.element, b.element);
  if (a.kind === 'map' && b.kind === 'map') return sameType(a.key, b.key) && sameType(a.value, b.value);
  return false;
}

/** Canonical name: the column type names, 'null', 'list<T>', 'map<K, V>'. */
export function typeName(t: SqlType): string {
  if (typeof t === 'string') return t;
  if (t.kind === 'list') return `list<${typeName(t.element)}>`;
  return `map<${typeName(t.key)}, ${typeName(t.value)}>`;
}

const TYPE_ALIASES: Readonly<Record<string, ColumnType>> = {
  bool: 'bool',
  boolean: 'bool',
  smallint: 'smallint',
  int16: 'smallint',
  i16: 'smallint',
  int: 'int',
  int32: 'int',
  i32: 'int',
  integer: 'int',
  bigint: 'bigint',
  int64: 'bigint',
  i64: 'bigint',
  float: 'float',
  float32: 'float',
  double: 'double',
  float64: 'double',
  string: 'string',
  varchar: 'string',
  date: 'date',
  timestamp: 'timestamp',
};

/** Column type for a type name or alias (case-insensitive), e.g. 'INT32' → 'int'. */
export function columnTypeOf(name: string): ColumnType | undefined {
  return TYPE_ALIASES[name.trim().toLowerCase()];
}

/**
 * Parses a type name: the column types with their aliases (int16/i16/smallint, int32/i32/int,
 * int64/i64/bigint, string/varchar, varchar(n)), `list<T>`, `array<T>` and `map<K, V>`.
 */
export function parseTypeName(text: string): Result<SqlType> {
  const parser = new TypeNameParser(text);
  const parsed = parser.parseType();
  if (!parsed.ok) return parsed;
  if (!parser.atEnd()) return typeNameError(text, `unexpected '${parser.rest()}'`);
  return parsed;
}

function typeNameError(text: string, detail: string): Result<never> {
  return fail(Code.sqlTypeError, `cannot parse type name '${text}': ${detail}`);
}

class TypeNameParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  rest(): string {
    return this.text.slice(this.pos);
  }

  parseType(): Result<SqlType> {
    this.skipSpace();
    const word = this.readWord();
    if (word === '') return typeNameError(this.text, `expected a type name at offset ${this.pos}`);
    const lower = word.toLowerCase();
    if (lower === 'list' || lower === 'array') {
      if (!this.eat('<')) return typeNameError(this.text, `expected '<' after '${word}'`);
      const element = this.parseType();
      if (!element.ok) return element;
      if (!this.eat('>')) return typeNameError(this.text, `expected '>' closing '${word}<'`);
      return ok(listOf(element.value));
    }
    if (lower === 'map') {
      if (!this.eat('<')) return typeNameError(this.text, "expected '<' after 'map'");
      const key = this.parseType();
      if (!key.ok) return key;
      if (!this.eat(',')) return typeNameError(this.text, "expected ',' between map key and value types");
      const value = this.parseType();
      if (!value.ok) return value;
      if (!this.eat('>')) return typeNameError(this.text, "expected '>' closing 'map<'");
      return ok(mapOf(key.value, value.value));
    }
    const column = TYPE_ALIASES[lower];
    if (column === undefined) return typeNameError(this.text, `unknown type '${word}'`);
    if (column === 'string' && this.eat('(')) {
      this.skipSpace();
      const digits = /^\d+/.exec(this.rest());
      if (digits === null) return typeNameError(this.text, 'expected a length in varchar(n)');
      this.pos += digits[0].length;
      if (!this.eat(')')) return typeNameError(this.text, "expected ')' closing varchar(n)");
    }
    return ok(column);
  }

  private readWord(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.rest());
    if (m === null) return '';
    this.pos += m[0].length;
    return m[0];
  }

  private eat(ch: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== ch) return false;
    this.pos += 1;
    return true;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos += 1;
  }
}

/** True for the nine column types (not 'null', lists or maps). */
export function isColumnType(t: SqlType): t is ColumnType {
  return typeof t === 'string' && (COLUMN_TYPES as readonly string[]).includes(t);
}

/**
 * The type two branches/arguments are converted to when they must agree (CASE results, IFNULL,
 * NVL2, IN lists). NULL adapts to the other side; any string side makes it string; numbers
 * widen, except that float with bigint becomes double (a float cannot hold every bigint).
 */
export function commonType(a: SqlType, b: SqlType): Result<SqlType> {
  if (a === 'null') return ok(b);
  if (b === 'null') return ok(a);
  if (sameType(a, b)) return ok(a);
  if (a === 'string' || b === 'string') {
    if (isPrimitive(a) && isPrimitive(b)) return ok('string');
  }
  if (isNumericOrBool(a) && isNumericOrBool(b)) {
    if ((a === 'float' && b === 'bigint') || (a === 'bigint' && b === 'float')) return ok('double');
    return ok(widerNumeric(a, b));
  }
  return fail(Code.sqlTypeError, `types ${typeName(a)} and ${typeName(b)} have no common type`);
}

/** `commonType` folded over a list; an empty list gives 'null'. */
export function commonTypeOf(types: readonly SqlType[]): Result<SqlType> {
  let acc: SqlType = 'null';
  for (const t of types) {
    const next = commonType(acc, t);
    if (!next.ok) return next;
    acc = next.value;
  }
  return ok(acc);
}
