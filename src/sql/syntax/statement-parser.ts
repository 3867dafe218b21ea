/**
 * Statements: DDL (databases, tables, indexes), SHOW / DESC / SET / USE, INSERT, DELETE, queries
 * with CONFIG and INTO OUTFILE, DEPLOY, EXPLAIN and LOAD DATA.
 */
import type {
  ColumnDef,
  DataType,
  DistributionEntry,
  Ident,
  IndexDef,
  IndexSpec,
  Interval,
  IntegerLiteral,
  Literal,
  OptionEntry,
  OptionValue,
  QueryStatement,
  ShowTarget,
  Statement,
  TableOption,
  TtlSpec,
  VariableScope,
} from './ast.js';
import { TTL_TYPES, type TtlType } from '../../protocol/schema.js';
import { QueryParser } from './query-parser.js';
import type { Token } from './token.js';
import { identFrom } from './token-cursor.js';

export class StatementParser extends QueryParser {
  /** Parses statements separated by `;` until the end of input. */
  parseStatements(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      while (this.acceptSymbol(';')) {
        // empty statement
      }
      if (this.peek().type === 'eof') return statements;
      this.paramCount = 0;
      statements.push(this.parseStatement());
      if (this.peek().type !== 'eof') this.expectSymbol(';');
    }
  }

  /** One expression filling the whole input. */
  parseStandaloneExpr() {
    const expr = this.parseExpr();
    if (this.peek().type !== 'eof') this.fail('end of expression');
    return expr;
  }

  private parseStatement(): Statement {
    const t = this.peek();
    if (this.queryAhead()) return this.parseQueryStatement();
    if (t.type !== 'word') return this.fail('a statement');
    switch (t.upper) {
      case 'CREATE':
        return this.parseCreate();
      case 'DROP':
        return this.parseDrop();
      case 'USE': {
        this.next();
        return { kind: 'useDatabase', name: this.identifier('a database name'), pos: t.pos };
      }
      case 'SHOW':
        return this.parseShow();
      case 'DESC':
      case 'DESCRIBE':
        this.next();
        return { kind: 'describe', table: this.parseObjectName('a table name'), pos: t.pos };
      case 'SET':
        return this.parseSet();
      case 'INSERT':
        return this.parseInsert();
      case 'DELETE': {
        this.next();
        this.expectWord('FROM');
        const table = this.parseObjectName('a table name');
        this.expectWord('WHERE');
        return { kind: 'delete', table, where: this.parseExpr(), pos: t.pos };
      }
      case 'DEPLOY':
        return this.parseDeploy();
      case 'EXPLAIN': {
        this.next();
        if (!this.queryAhead()) this.fail('a SELECT query after EXPLAIN');
        return { kind: 'explain', statement: this.parseQueryStatement(), pos: t.pos };
      }
      case 'LOAD':
        return this.parseLoadData();
      case 'TRUNCATE': {
        this.next();
        this.expectWord('TABLE');
        return { kind: 'truncateTable', table: this.parseObjectName('a table name'), pos: t.pos };
      }
      default:
        return this.fail('a statement');
    }
  }

  private parseIfNotExists(): boolean {
    if (!this.acceptWord('IF')) return false;
    this.expectWord('NOT');
    this.expectWord('EXISTS');
    return true;
  }

  private parseIfExists(): boolean {
    if (!this.acceptWord('IF')) return false;
    this.expectWord('EXISTS');
    return true;
  }

  private parseCreate(): Statement {
    const start = this.expectWord('CREATE');
    if (this.acceptWord('DATABASE')) {
      const ifNotExists = this.parseIfNotExists();
      return { kind: 'createDatabase', name: this.identifier('a database name'), ifNotExists, pos: start.pos };
    }
    if (this.acceptWord('TABLE')) return this.parseCreateTable(start);
    if (this.acceptWord('INDEX')) {
      const name = this.identifier('an index name');
      this.expectWord('ON');
      const table = this.parseObjectName('a table name');
      const open = this.expectSymbol('(');
      const keys = [this.identifier('a column name')];
      while (this.acceptSymbol(',')) keys.push(this.identifier('a column name'));
      this.expectSymbol(')');
      const spec = this.acceptWord('OPTIONS')
        ? this.parseIndexEntries(keys, open, false)
        : { kind: 'indexSpec' as const, keys, pos: open.pos };
      return { kind: 'createIndex', name, table, spec, pos: start.pos };
    }
    return this.fail('DATABASE, TABLE or INDEX after CREATE');
  }

  private parseCreateTable(start: Token): Statement {
    const ifNotExists = this.parseIfNotExists();
    const table = this.parseObjectName('a table name');
    if (this.isWord('LIKE')) this.failProblem('CREATE TABLE ... LIKE is not supported');
    this.expectSymbol('(');
    const columns: ColumnDef[] = [];
    const indexes: IndexDef[] = [];
    do {
      // `INDEX(...)` or `INDEX name(KEY=...)`; `index varchar(60)` is a column named index.
      const isIndex =
        this.isWord('INDEX') &&
        (this.isSymbol('(', 1) || (this.isIdentifier(1) && this.isSymbol('(', 2) && this.isSymbol('=', 4)));
      if (isIndex) indexes.push(this.parseIndexDef());
      else columns.push(this.parseColumnDef());
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    const options = this.acceptWord('OPTIONS') ? this.parseTableOptions() : [];
    return { kind: 'createTable', table, ifNotExists, columns, indexes, options, pos: start.pos };
  }

  private parseColumnDef(): ColumnDef {
    const name = this.identifier('a column name or INDEX(...)');
    const type: DataType = this.parseDataType();
    let notNull: boolean | undefined;
    let defaultValue: Literal | undefined;
    for (;;) {
      if (notNull === undefined && this.isWord('NOT') && this.isWord('NULL', 1)) {
        this.next();
        this.next();
        notNull = true;
      } else if (notNull === undefined && this.isWord('NULL')) {
        this.next();
        notNull = false;
      } else if (defaultValue === undefined && this.acceptWord('DEFAULT')) {
        defaultValue = this.parseConstant('a literal after DEFAULT');
      } else {
        break;
      }
    }
    const def: ColumnDef = { kind: 'columnDef', name, type, notNull: notNull ?? false, pos: name.pos };
    return defaultValue === undefined ? def : { ...def, defaultValue };
  }

  /** A literal, with a sign folded into a number. */
  private parseConstant(what: string): Literal {
    const t = this.peek();
    const sign = this.isSymbol('-') || this.isSymbol('+') ? this.next() : undefined;
    const number = this.peek();
    if (number.type === 'integer' || number.type === 'decimal') {
      this.next();
      return this.numberLiteral(number, sign);
    }
    if (sign !== undefined) this.fail('a number after the sign');
    if (t.type === 'string') {
      this.next();
      return { kind: 'literal', type: 'string', value: t.value, image: t.image, pos: t.pos };
    }
    if (t.type === 'word' && (t.upper === 'TRUE' || t.upper === 'FALSE')) {
      this.next();
      return { kind: 'literal', type: 'bool', value: t.upper === 'TRUE', image: t.image, pos: t.pos };
    }
    if (t.type === 'word' && t.upper === 'NULL') {
      this.next();
      return { kind: 'literal', type: 'null', value: null, image: t.image, pos: t.pos };
    }
    return this.fail(what);
  }

  private parseIndexDef(): IndexDef {
    const start = this.expectWord('INDEX');
    const name = this.isIdentifier() ? this.identifier() : undefined;
    const open = this.expectSymbol('(');
    const spec = this.parseIndexEntries([], open, true);
    return name === undefined
      ? { kind: 'indexDef', spec, pos: start.pos }
      : { kind: 'indexDef', name, spec, pos: start.pos };
  }

  /**
   * `( KEY=c | KEY=(c1,c2), TS=c, TTL=v, TTL_TYPE=t )` of an INDEX clause (`allowKey`), or the
   * `( TS=c, TTL=v, TTL_TYPE=t )` OPTIONS of CREATE INDEX. For an INDEX clause the "(" has been read.
   */
  private parseIndexEntries(keys: Ident[], open: Token, allowKey: boolean): IndexSpec {
    if (!allowKey) this.expectSymbol('(');
    let spec: IndexSpec = { kind: 'indexSpec', keys, pos: open.pos };
    const seen = new Set<string>();
    do {
      const entry = this.peek();
      const word = this.anyWord(allowKey ? 'KEY, TS, TTL or TTL_TYPE' : 'TS, TTL or TTL_TYPE').name.toUpperCase();
      if (seen.has(word)) this.failProblem(`${word} is given twice`, entry);
      seen.add(word);
      this.expectSymbol('=');
      if (word === 'KEY' && allowKey) {
        const columns: Ident[] = [];
        if (this.acceptSymbol('(')) {
          do columns.push(this.identifier('a key column'));
          while (this.acceptSymbol(','));
          this.expectSymbol(')');
        } else {
          columns.push(this.identifier('a key column'));
        }
        spec = { ...spec, keys: columns };
      } else if (word === 'TS') {
        spec = { ...spec, ts: this.identifier('a timestamp column') };
      } else if (word === 'TTL') {
        spec = { ...spec, ttl: this.parseTtl() };
      } else if (word === 'TTL_TYPE') {
        spec = { ...spec, ttlType: this.parseTtlType() };
      } else {
        this.failProblem(
          `unknown index option ${word}; expected ${allowKey ? 'KEY, TS, TTL or TTL_TYPE' : 'TS, TTL or TTL_TYPE'}`,
          entry,
        );
      }
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return spec;
  }

  /** `10m`, `100`, `(10m)`, `(10m, 100)`. */
  private parseTtl(): TtlSpec {
    const start = this.peek();
    const values: (IntegerLiteral | Interval)[] = [];
    if (this.acceptSymbol('(')) {
      do values.push(this.parseTtlValue());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    } else {
      values.push(this.parseTtlValue());
    }
    return { kind: 'ttl', values, pos: start.pos };
  }

  private parseTtlValue(): IntegerLiteral | Interval {
    const t = this.peek();
    if (t.type === 'interval') {
      this.next();
      return this.intervalFrom(t, undefined);
    }
    return this.parseUnsignedInteger('a TTL: an interval such as 30d or a row count');
  }

  private parseTtlType(): TtlType {
    const t = this.peek();
    if (t.type !== 'word' && t.type !== 'string') this.fail(`a TTL type (${TTL_TYPES.join(', ')})`);
    const value = t.value.toLowerCase();
    const type = TTL_TYPES.find((x) => x === value);
    if (type === undefined) this.failProblem(`unknown TTL_TYPE "${t.value}"; expected one of ${TTL_TYPES.join(', ')}`);
    this.next();
    return type;
  }

  private parseTableOptions(): TableOption[] {
    this.expectSymbol('(');
    const options: TableOption[] = [];
    do {
      const t = this.peek();
      const word = this.anyWord('a table option').name.toUpperCase();
      this.expectSymbol('=');
      const option = this.parseTableOption(word, t);
      if (options.some((o) => o.kind === option.kind)) this.failProblem(`option ${word} is given twice`, t);
      options.push(option);
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return options;
  }

  private parseTableOption(word: string, t: Token): TableOption {
    switch (word) {
      case 'PARTITIONNUM':
        return { kind: 'partitionNum', value: this.smallCount(word), pos: t.pos };
      case 'REPLICANUM':
        return { kind: 'replicaNum', value: this.smallCount(word), pos: t.pos };
      case 'DISTRIBUTION':
        return { kind: 'distribution', partitions: this.parseDistribution(), pos: t.pos };
      case 'STORAGE_MODE': {
        const value = this.choice(word, ['memory', 'ssd', 'hdd'] as const);
        return { kind: 'storageMode', value, pos: t.pos };
      }
      case 'COMPRESS_TYPE': {
        const value = this.choice(word, ['nocompress', 'snappy'] as const);
        return { kind: 'compressType', value: value === 'nocompress' ? 'none' : 'snappy', pos: t.pos };
      }
      case 'REPLICATION_MODE': {
        const value = this.choice(word, ['sync', 'async'] as const);
        return { kind: 'replicationMode', value, pos: t.pos };
      }
      default:
        return this.failProblem(
          `unknown table option ${word}; expected PARTITIONNUM, REPLICANUM, DISTRIBUTION, STORAGE_MODE, COMPRESS_TYPE or REPLICATION_MODE`,
          t,
        );
    }
  }

  private smallCount(option: string): number {
    const literal = this.parseUnsignedInteger(`an integer for ${option}`);
    if (literal.type !== 'int') this.failProblem(`${option} ${literal.image} is too large`);
    return literal.value;
  }

  /** A string or bare word that must be one of `choices` (case-insensitive). */
  private choice<C extends string>(option: string, choices: readonly C[]): C {
    const t = this.peek();
    if (t.type !== 'string' && t.type !== 'word') this.fail(`a value for ${option}`);
    const found = choices.find((c) => c === t.value.toLowerCase());
    if (found === undefined) {
      this.failProblem(`invalid ${option} "${t.value}"; expected one of ${choices.join(', ')}`);
    }
    this.next();
    return found;
  }

  /** `[ ('leader', ['follower', ...]), ... ]`. */
  private parseDistribution(): DistributionEntry[] {
    this.expectSymbol('[');
    const entries: DistributionEntry[] = [];
    if (this.acceptSymbol(']')) return entries;
    do {
      const open = this.expectSymbol('(');
      const leader = this.stringValue('a leader endpoint string');
      this.expectSymbol(',');
      this.expectSymbol('[');
      const followers: string[] = [];
      if (!this.isSymbol(']')) {
        do followers.push(this.stringValue('a follower endpoint string'));
        while (this.acceptSymbol(','));
      }
      this.expectSymbol(']');
      this.expectSymbol(')');
      entries.push({ kind: 'distributionEntry', leader, followers, pos: open.pos });
    } while (this.acceptSymbol(','));
    this.expectSymbol(']');
    return entries;
  }

  private stringValue(what: string): string {
    const t = this.peek();
    if (t.type !== 'string') this.fail(what);
    this.next();
    return t.value;
  }

  private parseDrop(): Statement {
    const start = this.expectWord('DROP');
    if (this.acceptWord('DATABASE')) {
      const ifExists = this.parseIfExists();
      return { kind: 'dropDatabase', name: this.identifier('a database name'), ifExists, pos: start.pos };
    }
    if (this.acceptWord('TABLE')) {
      const ifExists = this.parseIfExists();
      return { kind: 'dropTable', table: this.parseObjectName('a table name'), ifExists, pos: start.pos };
    }
    if (this.acceptWord('DEPLOYMENT')) {
      return { kind: 'dropDeployment', name: this.parseObjectName('a deployment name'), pos: start.pos };
    }
    if (this.acceptWord('INDEX')) {
      const parts = [this.identifier('a table name')];
      while (this.acceptSymbol('.')) parts.push(this.identifier('a name after "."'));
      if (parts.length < 2 || parts.length > 3) {
        this.failProblem('DROP INDEX takes [db.]table.index', start);
      }
      const index = parts[parts.length - 1]!;
      const name = parts[parts.length - 2]!;
      const db = parts.length === 3 ? parts[0] : undefined;
      const table = db === undefined
        ? { kind: 'objectName' as const, name, pos: name.pos }
        : { kind: 'objectName' as const, db, name, pos: db.pos };
      return { kind: 'dropIndex', table, index, pos: start.pos };
    }
    return this.fail('DATABASE, TABLE, INDEX or DEPLOYMENT after DROP');
  }

  private parseShow(): Statement {
    const start = this.expectWord('SHOW');
    const target = this.parseShowTarget();
    return { kind: 'show', target, pos: start.pos };
  }

  private parseShowTarget(): ShowTarget {
    const t = this.peek();
    const word = t.type === 'word' ? t.upper : '';
    const simple: Record<string, ShowTarget> = {
      DATABASES: { what: 'databases' },
      TABLES: { what: 'tables' },
      COMPONENTS: { what: 'components' },
      DEPLOYMENTS: { what: 'deployments' },
      FUNCTIONS: { what: 'functions' },
      PROCEDURES: { what: 'procedures' },
      CURRENT_USER: { what: 'currentUser' },
      VARIABLES: { what: 'variables', scope: 'session' },
    };
    const found = simple[word];
    if (found !== undefined) {
      this.next();
      return found;
    }
    if (word === 'SESSION' || word === 'GLOBAL') {
      this.next();
      this.expectWord('VARIABLES');
      return { what: 'variables', scope: word === 'SESSION' ? 'session' : 'global' };
    }
    if (word === 'TABLE') {
      this.next();
      this.expectWord('STATUS');
      const like = this.parseOptionalLike();
      return like === undefined ? { what: 'tableStatus' } : { what: 'tableStatus', like };
    }
    if (word === 'DEPLOYMENT') {
      this.next();
      return { what: 'deployment', name: this.parseObjectName('a deployment name') };
    }
    if (word === 'CREATE') {
      this.next();
      this.expectWord('TABLE');
      return { what: 'createTable', table: this.parseObjectName('a table name') };
    }
    if (word === 'JOBS') {
      this.next();
      let from: 'taskmanager' | 'nameserver' | undefined;
      if (this.acceptWord('FROM')) from = this.choice('SHOW JOBS FROM', ['taskmanager', 'nameserver'] as const);
      const like = this.parseOptionalLike();
      return { what: 'jobs', ...(from === undefined ? {} : { from }), ...(like === undefined ? {} : { like }) };
    }
    if (word === 'JOB') {
      this.next();
      const id = this.parseUnsignedInteger('a job id');
      if (id.type !== 'int') this.failProblem(`job id ${id.image} is too large`);
      return { what: 'job', id: id.value };
    }
    return this.fail(
      'DATABASES, TABLES, TABLE STATUS, COMPONENTS, DEPLOYMENTS, DEPLOYMENT, VARIABLES, CREATE TABLE, FUNCTIONS, PROCEDURES or JOBS',
    );
  }

  private parseOptionalLike(): string | undefined {
    if (!this.acceptWord('LIKE')) return undefined;
    return this.stringValue('a pattern string after LIKE');
  }

  private parseSet(): Statement {
    const start = this.expectWord('SET');
    let scope: VariableScope = 'session';
    let name: Ident;
    const t = this.peek();
    if (t.type === 'variable') {
      this.next();
      const parts = t.value.split('.');
      const first = parts[0]!.toLowerCase();
      if (parts.length === 2 && (first === 'session' || first === 'global')) scope = first;
      else if (parts.length !== 1) this.failProblem(`invalid variable ${t.image}; expected @@name, @@session.name or @@global.name`, t);
      const bare = parts[parts.length - 1]!;
      name = { kind: 'ident', name: bare, quoted: false, pos: t.pos };
    } else {
      if (this.acceptWord('GLOBAL')) scope = 'global';
      else this.acceptWord('SESSION');
      name = this.identifier('a variable name');
    }
    this.expectSymbol('=');
    const valueToken = this.peek();
    const value =
      valueToken.type === 'word' && !['TRUE', 'FALSE', 'NULL'].includes(valueToken.upper)
        ? identFrom(this.next())
        : this.parseConstant('a value');
    return { kind: 'setVariable', scope, name, value, pos: start.pos };
  }

  private parseInsert(): Statement {
    const start = this.expectWord('INSERT');
    let orIgnore = false;
    if (this.acceptWord('OR')) {
      this.expectWord('IGNORE');
      orIgnore = true;
    }
    this.expectWord('INTO');
    const table = this.parseObjectName('a table name');
    const columns: Ident[] = [];
    if (this.acceptSymbol('(')) {
      do columns.push(this.identifier('a column name'));
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    this.expectWord('VALUES');
    const rows = [];
    do {
      this.expectSymbol('(');
      rows.push(this.parseExprList());
      this.expectSymbol(')');
    } while (this.acceptSymbol(','));
    return { kind: 'insert', orIgnore, table, columns, rows, pos: start.pos };
  }

  private parseDeploy(): Statement {
    const start = this.expectWord('DEPLOY');
    const ifNotExists = this.parseIfNotExists();
    const name = this.identifier('a deployment name');
    const options = this.acceptWord('OPTIONS') ? this.parseOptionList() : [];
    if (!this.queryAhead()) this.fail('a SELECT query to deploy');
    const query = this.parseQuery();
    return { kind: 'deploy', name, ifNotExists, options, query, pos: start.pos };
  }

  private parseLoadData(): Statement {
    const start = this.expectWord('LOAD');
    this.expectWord('DATA');
    this.expectWord('INFILE');
    const path = this.stringValue('a file path string');
    this.expectWord('INTO');
    this.expectWord('TABLE');
    const table = this.parseObjectName('a table name');
    const options = this.acceptWord('OPTIONS') ? this.parseOptionList() : [];
    return { kind: 'loadData', path, table, options, pos: start.pos };
  }

  private parseQueryStatement(): QueryStatement {
    const start = this.peek();
    const query = this.parseQuery();
    let config: OptionEntry[] = [];
    let outfile: QueryStatement['outfile'];
    for (;;) {
      if (config.length === 0 && this.isWord('CONFIG') && this.isSymbol('(', 1)) {
        this.next();
        config = this.parseOptionList();
      } else if (outfile === undefined && this.isWord('INTO')) {
        const into = this.next();
        this.expectWord('OUTFILE');
        const path = this.stringValue('a file path string');
        const options = this.acceptWord('OPTIONS') ? this.parseOptionList() : [];
        outfile = { kind: 'outfile', path, options, pos: into.pos };
      } else {
        break;
      }
    }
    const statement: QueryStatement = { kind: 'queryStatement', query, config, pos: start.pos };
    return outfile === undefined ? statement : { ...statement, outfile };
  }

  /** `( name = value, ... )`. */
  private parseOptionList(): OptionEntry[] {
    this.expectSymbol('(');
    const entries: OptionEntry[] = [];
    do {
      const name = this.anyWord('an option name');
      this.expectSymbol('=');
      entries.push({ kind: 'option', name, value: this.parseOptionValue(), pos: name.pos });
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return entries;
  }

  private parseOptionValue(): OptionValue {
    const t = this.peek();
    if (t.type === 'symbol' && (t.value === '(' || t.value === '[')) {
      this.next();
      const close = t.value === '(' ? ')' : ']';
      const items: OptionValue[] = [];
      if (!this.isSymbol(close)) {
        do items.push(this.parseOptionValue());
        while (this.acceptSymbol(','));
      }
      this.expectSymbol(close);
      return { kind: t.value === '(' ? 'optionTuple' : 'optionArray', items, pos: t.pos };
    }
    if (t.type === 'symbol' && t.value === '?') {
      this.next();
      return { kind: 'param', index: this.paramCount++, pos: t.pos };
    }
    if (t.type === 'interval') {
      this.next();
      return this.intervalFrom(t, undefined);
    }
    if (t.type === 'word' && !['TRUE', 'FALSE', 'NULL'].includes(t.upper)) return identFrom(this.next());
    if (t.type === 'quotedIdent') return identFrom(this.next());
    return this.parseConstant('an option value');
  }
}
