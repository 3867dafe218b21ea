/**
 * Prints a syntax tree back as SQL that parses to the same tree (positions aside).
 *
 * Two layouts:
 * - `compact`: one line, keywords upper-case, minimal parentheses. Used to store normalized SQL.
 * - `unparse`: the multi-line layout the reference shows for a deployment's SQL (one select item
 *   per line, `FROM`, `LAST JOIN`, `ON` on their own lines, named windows as `OVER (w1)`).
 *
 * Literals print as written (their `image`); names print back-quoted when written so or needed.
 */
import { assert } from '../../base/assert.js';
import type {
  DataType,
  Deploy,
  Expr,
  Frame,
  FrameBound,
  FromItem,
  Ident,
  IndexSpec,
  Interval,
  Literal,
  ObjectName,
  OptionEntry,
  OptionValue,
  Query,
  QueryBody,
  ShowTarget,
  Statement,
  TableOption,
  WindowSpec,
} from './ast.js';
import { isReserved } from './keywords.js';
import { visit } from './visitor.js';

export type PrintStyle = 'compact' | 'unparse';

const BINARY_PRECEDENCE: Record<string, number> = {
  OR: 10,
  XOR: 20,
  AND: 30,
  '=': 50,
  '!=': 50,
  '<': 50,
  '<=': 50,
  '>': 50,
  '>=': 50,
  '|': 60,
  '^': 70,
  '&': 80,
  '+': 90,
  '-': 90,
  '*': 100,
  '/': 100,
  '%': 100,
  DIV: 100,
};
const NOT_PRECEDENCE = 40;
const PREDICATE_PRECEDENCE = 50;
const UNARY_PRECEDENCE = 110;
const POSTFIX_PRECEDENCE = 120;
const ATOM_PRECEDENCE = 130;

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return BINARY_PRECEDENCE[e.op]!;
    case 'unary':
      return e.op === 'NOT' ? NOT_PRECEDENCE : UNARY_PRECEDENCE;
    case 'is':
    case 'between':
    case 'in':
    case 'like':
      return PREDICATE_PRECEDENCE;
    case 'subscript':
      return POSTFIX_PRECEDENCE;
    default:
      return ATOM_PRECEDENCE;
  }
}

const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function printIdent(ident: Ident): string {
  if (!ident.quoted && WORD.test(ident.name) && !isReserved(ident.name.toUpperCase())) return ident.name;
  return `\`${ident.name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

/** A name read as any word (option names, bare option values): back-quoted only if written so. */
function printWord(ident: Ident): string {
  return ident.quoted ? printIdent(ident) : ident.name;
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
};

/** A string as a single-quoted SQL literal that decodes back to the same value. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\'\n\r\t\0]/g, (c) => STRING_ESCAPES[c]!)}'`;
}

export function printLiteral(literal: Literal): string {
  if (literal.image !== '') return literal.image;
  switch (literal.type) {
    case 'int':
      return String(literal.value);
    case 'bigint':
      return `${literal.value}L`;
    case 'float':
    case 'double': {
      assert(Number.isFinite(literal.value), `cannot print non-finite ${literal.type} literal`);
      const text = String(literal.value);
      const decimal = /[.e]/.test(text) ? text : `${text}.0`;
      return literal.type === 'float' ? `${decimal}f` : decimal;
    }
    case 'string':
      return quoteString(literal.value);
    case 'bool':
      return literal.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
  }
}

function printInterval(interval: Interval): string {
  return interval.image !== '' ? interval.image : `${interval.value}${interval.unit}`;
}

const TYPE_NAMES: Record<string, string> = {
  bool: 'BOOL',
  smallint: 'SMALLINT',
  int: 'INT',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  string: 'STRING',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

export function printDataType(type: DataType): string {
  return type.kind === 'scalarType'
    ? TYPE_NAMES[type.type]!
    : `MAP<${printDataType(type.key)}, ${printDataType(type.value)}>`;
}

class Printer {
  /** Separator where the unparse layout breaks lines. */
  private readonly nl: string;
  /** Inside the parentheses around a subquery: a line break in the unparse layout, else nothing. */
  private readonly pad: string;

  constructor(private readonly style: PrintStyle) {
    this.nl = style === 'unparse' ? '\n' : ' ';
    this.pad = style === 'unparse' ? '\n' : '';
  }

  expr(e: Expr, minPrecedence = 0): string {
    const text = this.exprText(e);
    return precedence(e) < minPrecedence ? `(${text})` : text;
  }

  private exprText(e: Expr): string {
    return visit<Expr, string>(e, {
      literal: (n) => printLiteral(n),
      param: () => '?',
      column: (n) => [n.db, n.table, n.column].filter((p) => p !== undefined).map(printIdent).join('.'),
      star: (n) => [n.db, n.table].filter((p) => p !== undefined).map(printIdent).concat('*').join('.'),
      unary: (n) => {
        if (n.op === 'NOT') return `NOT ${this.expr(n.operand, NOT_PRECEDENCE)}`;
        const operand = this.expr(n.operand, UNARY_PRECEDENCE);
        // A sign right before a number would fold into the literal when parsed back.
        if (n.op !== '~' && /^[0-9.]/.test(operand)) return `${n.op}(${operand})`;
        return /^[-+]/.test(operand) ? `${n.op} ${operand}` : `${n.op}${operand}`;
      },
      binary: (n) => {
        const p = BINARY_PRECEDENCE[n.op]!;
        return `${this.expr(n.left, p)} ${n.op} ${this.expr(n.right, p + 1)}`;
      },
      is: (n) =>
        `${this.expr(n.operand, PREDICATE_PRECEDENCE)} IS ${n.negated ? 'NOT ' : ''}${n.test}`,
      between: (n) =>
        `${this.expr(n.operand, PREDICATE_PRECEDENCE)} ${n.negated ? 'NOT ' : ''}BETWEEN ` +
        `${this.expr(n.low, PREDICATE_PRECEDENCE + 1)} AND ${this.expr(n.high, PREDICATE_PRECEDENCE + 1)}`,
      in: (n) =>
        `${this.expr(n.operand, PREDICATE_PRECEDENCE)} ${n.negated ? 'NOT ' : ''}IN (${n.list.map((x) => this.expr(x)).join(', ')})`,
      like: (n) => {
        const escapeText = n.escape === undefined ? '' : ` ESCAPE ${this.expr(n.escape, PREDICATE_PRECEDENCE + 1)}`;
        return `${this.expr(n.operand, PREDICATE_PRECEDENCE)} ${n.negated ? 'NOT ' : ''}${n.op} ${this.expr(n.pattern, PREDICATE_PRECEDENCE + 1)}${escapeText}`;
      },
      cast: (n) => `CAST(${this.expr(n.operand)} AS ${printDataType(n.type)})`,
      case: (n) => {
        const parts = ['CASE'];
        if (n.operand !== undefined) parts.push(this.expr(n.operand));
        for (const w of n.whens) parts.push(`WHEN ${this.expr(w.when)} THEN ${this.expr(w.result)}`);
        if (n.elseResult !== undefined) parts.push(`ELSE ${this.expr(n.elseResult)}`);
        parts.push('END');
        return parts.join(' ');
      },
      call: (n) => {
        // A reserved function name (IF) is written bare: the parser reads `IF(` as a call.
        const name = n.name.quoted ? printIdent(n.name) : n.name.name;
        const args = n.args.map((a) => this.expr(a)).join(', ');
        const call = `${name}(${n.distinct ? 'DISTINCT ' : ''}${args})`;
        if (n.over === undefined) return call;
        if (n.over.kind === 'windowSpec') return `${call} OVER ${this.windowSpec(n.over)}`;
        const window = printIdent(n.over.name);
        return this.style === 'unparse' ? `${call} OVER (${window})` : `${call} OVER ${window}`;
      },
      subscript: (n) => `${this.expr(n.operand, POSTFIX_PRECEDENCE)}[${this.expr(n.index)}]`,
    });
  }

  objectName(name: ObjectName): string {
    return name.db === undefined ? printIdent(name.name) : `${printIdent(name.db)}.${printIdent(name.name)}`;
  }

  query(q: Query): string {
    const parts: string[] = [];
    if (q.with.length > 0) {
      const ctes = q.with.map((c) => `${printIdent(c.name)} AS (${this.pad}${this.query(c.query)}${this.pad})`);
      parts.push(`WITH ${ctes.join(', ')}`);
    }
    parts.push(this.queryBody(q.body));
    if (q.limit !== undefined) parts.push(`LIMIT ${printLiteral(q.limit)}`);
    return parts.join(this.nl);
  }

  private queryBody(body: QueryBody): string {
    switch (body.kind) {
      case 'query':
        return `(${this.pad}${this.query(body)}${this.pad})`;
      case 'setOperation': {
        const right = body.right.kind === 'setOperation' ? `(${this.queryBody(body.right)})` : this.queryBody(body.right);
        return `${this.queryBody(body.left)}${this.nl}UNION ${body.all ? 'ALL' : 'DISTINCT'}${this.nl}${right}`;
      }
      case 'select': {
        const nl = this.nl;
        const items = body.items.map((item) =>
          item.alias === undefined ? this.expr(item.expr) : `${this.expr(item.expr)} AS ${printIdent(item.alias)}`,
        );
        let text = `SELECT${body.distinct ? ' DISTINCT' : ''}${nl}${items.join(`,${nl}`)}`;
        if (body.from !== undefined) text += `${nl}FROM${nl}${this.fromItem(body.from)}`;
        if (body.where !== undefined) text += `${nl}WHERE${nl}${this.expr(body.where)}`;
        if (body.groupBy.length > 0) text += `${nl}GROUP BY ${body.groupBy.map((e) => this.expr(e)).join(', ')}`;
        if (body.having !== undefined) text += `${nl}HAVING ${this.expr(body.having)}`;
        if (body.windows.length > 0) {
          const defs = body.windows.map((w) => `${printIdent(w.name)} AS ${this.windowSpec(w.spec)}`);
          text += `${nl}WINDOW ${defs.join(', ')}`;
        }
        return text;
      }
    }
  }

  private alias(alias: Ident | undefined): string {
    return alias === undefined ? '' : ` AS ${printIdent(alias)}`;
  }

  fromItem(item: FromItem): string {
    const nl = this.nl;
    switch (item.kind) {
      case 'tableRef':
        return `${this.objectName(item.name)}${this.alias(item.alias)}`;
      case 'subqueryRef':
        return `(${this.pad}${this.query(item.query)}${this.pad})${this.alias(item.alias)}`;
      case 'join': {
        const order = item.orderBy.length > 0 ? `${nl}ORDER BY ${item.orderBy.map((e) => this.expr(e)).join(', ')}` : '';
        const type = item.type === 'LAST' ? 'LAST JOIN' : 'LEFT JOIN';
        return `${this.fromItem(item.left)}${nl}${type}${nl}${this.fromItem(item.right)}${order}${nl}ON ${this.expr(item.on)}`;
      }
    }
  }

  windowSpec(spec: WindowSpec): string {
    const head: string[] = [];
    if (spec.unions.length > 0) head.push(`UNION ${spec.unions.map((u) => this.fromItem(u)).join(', ')}`);
    if (spec.partitionBy.length > 0) head.push(`PARTITION BY ${spec.partitionBy.map((e) => this.expr(e)).join(', ')}`);
    const tail: string[] = [];
    if (spec.orderBy.length > 0) tail.push(`ORDER BY ${spec.orderBy.map((e) => this.expr(e)).join(', ')}`);
    if (spec.frame !== undefined) tail.push(this.frame(spec.frame));
    if (spec.maxSize !== undefined) tail.push(`MAXSIZE ${printLiteral(spec.maxSize)}`);
    if (spec.excludeCurrentRow) tail.push('EXCLUDE CURRENT_ROW');
    if (spec.excludeCurrentTime) tail.push('EXCLUDE CURRENT_TIME');
    if (spec.instanceNotInWindow) tail.push('INSTANCE_NOT_IN_WINDOW');
    const first = head.join(' ');
    const rest = tail.join(' ');
    if (first === '') return `(${rest})`;
    if (rest === '') return `(${first})`;
    return `(${first}${spec.orderBy.length > 0 ? this.nl : ' '}${rest})`;
  }

  private frame(frame: Frame): string {
    return `${frame.unit} BETWEEN ${this.frameBound(frame.start)} AND ${this.frameBound(frame.end)}`;
  }

  private frameBound(bound: FrameBound): string {
    switch (bound.kind) {
      case 'unboundedPreceding':
        return 'UNBOUNDED PRECEDING';
      case 'currentRow':
        return 'CURRENT ROW';
      case 'preceding': {
        const offset = bound.offset.kind === 'interval' ? printInterval(bound.offset) : printLiteral(bound.offset);
        return `${offset} ${bound.open ? 'OPEN ' : ''}PRECEDING`;
      }
    }
  }

  optionValue(value: OptionValue): string {
    switch (value.kind) {
      case 'literal':
        return printLiteral(value);
      case 'interval':
        return printInterval(value);
      case 'param':
        return '?';
      case 'ident':
        return printWord(value);
      case 'optionTuple':
        return `(${value.items.map((v) => this.optionValue(v)).join(', ')})`;
      case 'optionArray':
        return `[${value.items.map((v) => this.optionValue(v)).join(', ')}]`;
    }
  }

  options(entries: readonly OptionEntry[]): string {
    return `(${entries.map((e) => `${printWord(e.name)} = ${this.optionValue(e.value)}`).join(', ')})`;
  }

  indexSpec(spec: IndexSpec, withKeys: boolean): string {
    const parts: string[] = [];
    if (withKeys && spec.keys.length > 0) parts.push(`KEY=(${spec.keys.map(printIdent).join(', ')})`);
    if (spec.ts !== undefined) parts.push(`TS=${printIdent(spec.ts)}`);
    if (spec.ttl !== undefined) {
      const values = spec.ttl.values.map((v) => (v.kind === 'interval' ? printInterval(v) : printLiteral(v)));
      parts.push(`TTL=${values.length === 1 ? values[0] : `(${values.join(', ')})`}`);
    }
    if (spec.ttlType !== undefined) parts.push(`TTL_TYPE=${spec.ttlType.toUpperCase()}`);
    return parts.join(', ');
  }

  tableOption(option: TableOption): string {
    switch (option.kind) {
      case 'partitionNum':
        return `PARTITIONNUM=${option.value}`;
      case 'replicaNum':
        return `REPLICANUM=${option.value}`;
      case 'distribution': {
        const entries = option.partitions.map(
          (p) => `(${quoteString(p.leader)}, [${p.followers.map(quoteString).join(', ')}])`,
        );
        return `DISTRIBUTION=[${entries.join(', ')}]`;
      }
      case 'storageMode':
        return `STORAGE_MODE=${quoteString(option.value)}`;
      case 'compressType':
        return `COMPRESS_TYPE=${quoteString(option.value === 'none' ? 'NoCompress' : 'Snappy')}`;
      case 'replicationMode':
        return `REPLICATION_MODE=${quoteString(option.value)}`;
    }
  }

  statement(s: Statement): string {
    return visit<Statement, string>(s, {
      createDatabase: (n) => `CREATE DATABASE ${n.ifNotExists ? 'IF NOT EXISTS ' : ''}${printIdent(n.name)}`,
      dropDatabase: (n) => `DROP DATABASE ${n.ifExists ? 'IF EXISTS ' : ''}${printIdent(n.name)}`,
      useDatabase: (n) => `USE ${printIdent(n.name)}`,
      createTable: (n) => {
        const columns = n.columns.map((c) => {
          let text = `${printIdent(c.name)} ${printDataType(c.type)}`;
          if (c.notNull) text += ' NOT NULL';
          if (c.defaultValue !== undefined) text += ` DEFAULT ${printLiteral(c.defaultValue)}`;
          return text;
        });
        const indexes = n.indexes.map(
          (i) => `INDEX${i.name === undefined ? '' : ` ${printIdent(i.name)}`}(${this.indexSpec(i.spec, true)})`,
        );
        const options = n.options.length > 0 ? ` OPTIONS (${n.options.map((o) => this.tableOption(o)).join(', ')})` : '';
        const exists = n.ifNotExists ? 'IF NOT EXISTS ' : '';
        return `CREATE TABLE ${exists}${this.objectName(n.table)} (${[...columns, ...indexes].join(', ')})${options}`;
      },
      createIndex: (n) => {
        const options = this.indexSpec(n.spec, false);
        const keys = n.spec.keys.map(printIdent).join(', ');
        const head = `CREATE INDEX ${printIdent(n.name)} ON ${this.objectName(n.table)} (${keys})`;
        return options === '' ? head : `${head} OPTIONS (${options})`;
      },
      dropIndex: (n) => `DROP INDEX ${this.objectName(n.table)}.${printIdent(n.index)}`,
      dropTable: (n) => `DROP TABLE ${n.ifExists ? 'IF EXISTS ' : ''}${this.objectName(n.table)}`,
      truncateTable: (n) => `TRUNCATE TABLE ${this.objectName(n.table)}`,
      show: (n) => `SHOW ${this.showTarget(n.target)}`,
      describe: (n) => `DESC ${this.objectName(n.table)}`,
      setVariable: (n) => {
        const value = n.value.kind === 'ident' ? printWord(n.value) : printLiteral(n.value);
        const name = n.name.quoted ? `${n.scope.toUpperCase()} ${printIdent(n.name)}` : `@@${n.scope}.${n.name.name}`;
        return `SET ${name} = ${value}`;
      },
      insert: (n) => {
        const columns = n.columns.length > 0 ? ` (${n.columns.map(printIdent).join(', ')})` : '';
        const rows = n.rows.map((r) => `(${r.map((v) => this.expr(v)).join(', ')})`).join(', ');
        return `INSERT ${n.orIgnore ? 'OR IGNORE ' : ''}INTO ${this.objectName(n.table)}${columns} VALUES ${rows}`;
      },
      delete: (n) => `DELETE FROM ${this.objectName(n.table)} WHERE ${this.expr(n.where)}`,
      queryStatement: (n) => {
        let text = this.query(n.query);
        if (n.config.length > 0) text += `${this.nl}CONFIG ${this.options(n.config)}`;
        if (n.outfile !== undefined) {
          text += `${this.nl}INTO OUTFILE ${quoteString(n.outfile.path)}`;
          if (n.outfile.options.length > 0) text += ` OPTIONS ${this.options(n.outfile.options)}`;
        }
        return text;
      },
      deploy: (n) => {
        const options = n.options.length > 0 ? ` OPTIONS ${this.options(n.options)}` : '';
        return `DEPLOY ${n.ifNotExists ? 'IF NOT EXISTS ' : ''}${printIdent(n.name)}${options} ${this.query(n.query)}`;
      },
      dropDeployment: (n) => `DROP DEPLOYMENT ${this.objectName(n.name)}`,
      explain: (n) => `EXPLAIN ${this.statement(n.statement)}`,
      loadData: (n) => {
        const options = n.options.length > 0 ? ` OPTIONS ${this.options(n.options)}` : '';
        return `LOAD DATA INFILE ${quoteString(n.path)} INTO TABLE ${this.objectName(n.table)}${options}`;
      },
    });
  }

  private showTarget(target: ShowTarget): string {
    switch (target.what) {
      case 'databases':
        return 'DATABASES';
      case 'tables':
        return 'TABLES';
      case 'tableStatus':
        return target.like === undefined ? 'TABLE STATUS' : `TABLE STATUS LIKE ${quoteString(target.like)}`;
      case 'components':
        return 'COMPONENTS';
      case 'deployments':
        return 'DEPLOYMENTS';
      case 'deployment':
        return `DEPLOYMENT ${this.objectName(target.name)}`;
      case 'variables':
        return `${target.scope.toUpperCase()} VARIABLES`;
      case 'createTable':
        return `CREATE TABLE ${this.objectName(target.table)}`;
      case 'functions':
        return 'FUNCTIONS';
      case 'procedures':
        return 'PROCEDURES';
      case 'jobs': {
        let text = 'JOBS';
        if (target.from !== undefined) text += ` FROM ${target.from.toUpperCase()}`;
        if (target.like !== undefined) text += ` LIKE ${quoteString(target.like)}`;
        return text;
      }
      case 'job':
        return `JOB ${target.id}`;
      case 'currentUser':
        return 'CURRENT_USER';
    }
  }
}

/** SQL text for a statement; parsing it gives back the same tree (positions aside). */
export function printStatement(statement: Statement, style: PrintStyle = 'compact'): string {
  return new Printer(style).statement(statement);
}

export function printQuery(query: Query, style: PrintStyle = 'compact'): string {
  return new Printer(style).query(query);
}

export function printExpr(expr: Expr): string {
  return new Printer('compact').expr(expr);
}

export function printWindowSpec(spec: WindowSpec): string {
  return new Printer('compact').windowSpec(spec);
}

/**
 * The SQL of a deployment as the reference shows it (SHOW DEPLOYMENT): the unparse layout
 * followed by a line with `;`.
 */
export function formatDeploySql(deploy: Deploy): string {
  return `${printStatement(deploy, 'unparse')}\n;`;
}
