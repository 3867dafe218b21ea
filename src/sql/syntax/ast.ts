/**
 * The typed, immutable syntax tree of our SQL dialect (OpenMLDB's online subset). Every node has
 * a `kind` tag and the position of its first character, so a planner can resolve names and types
 * later and point at the offending text. Nodes are plain readonly objects: build them, never mutate
 * them. `visitor.ts` gives exhaustive visitors over the unions below.
 *
 * The tree is syntactic: names are kept as written (case included; back-quoted names have
 * `quoted: true`), and the parser checks only what is lexical or structural. Meaning (does the
 * column exist, is this TTL valid for that TTL type, is FOLLOWING allowed here) is the planner's.
 */
import type { ColumnType, ReplicationMode, StorageMode, TtlType } from '../../protocol/schema.js';

/** 1-based line and column (in UTF-16 code units) plus the 0-based offset in the source text. */
export interface SourcePos {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

interface NodeBase {
  /** Where the node's first token starts. */
  readonly pos: SourcePos;
}

// ---------------------------------------------------------------------------------------------
// Names

export interface Ident extends NodeBase {
  readonly kind: 'ident';
  /** The name as written, without back-quotes. */
  readonly name: string;
  /** Written in back-quotes (so it may be a reserved word or hold any character). */
  readonly quoted: boolean;
}

/** `[db.]name`: a table or a deployment. */
export interface ObjectName extends NodeBase {
  readonly kind: 'objectName';
  readonly db?: Ident;
  readonly name: Ident;
}

// ---------------------------------------------------------------------------------------------
// Expressions

interface LiteralBase extends NodeBase {
  readonly kind: 'literal';
  /** Source text of the literal (a folded sign included), e.g. `-5L`, `3.3f`, `'a\'b'`, `TRUE`. */
  readonly image: string;
}

/** An integer literal that fits int32 and has no `L` suffix. */
export interface IntLiteral extends LiteralBase {
  readonly type: 'int';
  readonly value: number;
}

/** An integer literal with an `L` suffix or outside the int32 range (always inside int64). */
export interface BigintLiteral extends LiteralBase {
  readonly type: 'bigint';
  readonly value: bigint;
}

/** A number with an `f`/`F` suffix. `value` is the decimal text read as a double (not rounded). */
export interface FloatLiteral extends LiteralBase {
  readonly type: 'float';
  readonly value: number;
}

export interface DoubleLiteral extends LiteralBase {
  readonly type: 'double';
  readonly value: number;
}

export interface StringLiteral extends LiteralBase {
  readonly type: 'string';
  /** Escapes decoded. */
  readonly value: string;
}

export interface BoolLiteral extends LiteralBase {
  readonly type: 'bool';
  readonly value: boolean;
}

export interface NullLiteral extends LiteralBase {
  readonly type: 'null';
  readonly value: null;
}

export type IntegerLiteral = IntLiteral | BigintLiteral;
export type Literal =
  | IntLiteral
  | BigintLiteral
  | FloatLiteral
  | DoubleLiteral
  | StringLiteral
  | BoolLiteral
  | NullLiteral;
export type LiteralType = Literal['type'];

/** `?`: a positional parameter. */
export interface Param extends NodeBase {
  readonly kind: 'param';
  /** 0-based, in order of appearance in the statement. */
  readonly index: number;
}

/** `c`, `t.c` or `db.t.c`. */
export interface ColumnRef extends NodeBase {
  readonly kind: 'column';
  readonly db?: Ident;
  readonly table?: Ident;
  readonly column: Ident;
}

/** `*`, `t.*` or `db.t.*`: only as a whole select item or as a call argument (`count(*)`). */
export interface Star extends NodeBase {
  readonly kind: 'star';
  readonly db?: Ident;
  readonly table?: Ident;
}

/** `NOT` also stands for `!`. */
export type UnaryOp = '-' | '+' | '~' | 'NOT';

export interface Unary extends NodeBase {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

/** `=` also stands for `==`, `!=` for `<>`, `%` for `MOD`. `/` is float division, `DIV` integer. */
export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | 'DIV'
  | '&'
  | '|'
  | '^'
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'AND'
  | 'OR'
  | 'XOR';

export interface Binary extends NodeBase {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `x IS [NOT] NULL | TRUE | FALSE`. */
export interface IsTest extends NodeBase {
  readonly kind: 'is';
  readonly operand: Expr;
  readonly test: 'NULL' | 'TRUE' | 'FALSE';
  readonly negated: boolean;
}

export interface Between extends NodeBase {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
}

export interface InList extends NodeBase {
  readonly kind: 'in';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
}

export type LikeOp = 'LIKE' | 'ILIKE' | 'RLIKE';

export interface Like extends NodeBase {
  readonly kind: 'like';
  readonly op: LikeOp;
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape?: Expr;
  readonly negated: boolean;
}

export interface ScalarType extends NodeBase {
  readonly kind: 'scalarType';
  readonly type: ColumnType;
}

export interface MapType extends NodeBase {
  readonly kind: 'mapType';
  readonly key: DataType;
  readonly value: DataType;
}

export type DataType = ScalarType | MapType;

export interface Cast extends NodeBase {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: DataType;
}

export interface CaseWhen extends NodeBase {
  readonly kind: 'caseWhen';
  readonly when: Expr;
  /** The THEN result (not named `then`, which would make the node look like a promise). */
  readonly result: Expr;
}

/** Simple form when `operand` is present (`CASE x WHEN 1 THEN ...`), searched form otherwise. */
export interface Case extends NodeBase {
  readonly kind: 'case';
  readonly operand?: Expr;
  readonly whens: readonly CaseWhen[];
  readonly elseResult?: Expr;
}

/** `f(args)`, `f(DISTINCT args)`, `count(*)`, optionally `OVER w` or `OVER (spec)`. */
export interface Call extends NodeBase {
  readonly kind: 'call';
  readonly name: Ident;
  /** A `Star` may appear here (`count(*)`, `count_where(*, c > 1)`). */
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly over?: WindowRef | WindowSpec;
}

/** `m[k]`. */
export interface Subscript extends NodeBase {
  readonly kind: 'subscript';
  readonly operand: Expr;
  readonly index: Expr;
}

export type Expr =
  | Literal
  | Param
  | ColumnRef
  | Star
  | Unary
  | Binary
  | IsTest
  | Between
  | InList
  | Like
  | Cast
  | Case
  | Call
  | Subscript;

// ---------------------------------------------------------------------------------------------
// Intervals, windows, queries

export type IntervalUnit = 's' | 'm' | 'h' | 'd';

/** `10s`, `5m`, `3h`, `2d` (unit case-insensitive in the source, lower-case here). */
export interface Interval extends NodeBase {
  readonly kind: 'interval';
  /** May be negative only in a window frame bound (`-1s PRECEDING`). */
  readonly value: number;
  readonly unit: IntervalUnit;
  readonly image: string;
}

export interface WindowRef extends NodeBase {
  readonly kind: 'windowRef';
  readonly name: Ident;
}

export interface UnboundedPreceding extends NodeBase {
  readonly kind: 'unboundedPreceding';
}

export interface CurrentRow extends NodeBase {
  readonly kind: 'currentRow';
}

/** `N [OPEN] PRECEDING`: a row count or order-key delta (bare integer) or a time interval. */
export interface Preceding extends NodeBase {
  readonly kind: 'preceding';
  readonly offset: IntegerLiteral | Interval;
  /** `OPEN PRECEDING`: the bound itself is excluded. */
  readonly open: boolean;
}

export type FrameBound = UnboundedPreceding | CurrentRow | Preceding;

export interface Frame extends NodeBase {
  readonly kind: 'frame';
  readonly unit: 'ROWS' | 'ROWS_RANGE';
  readonly start: FrameBound;
  /** `ROWS 3 PRECEDING` (no BETWEEN) ends at the current row. */
  readonly end: FrameBound;
}

export interface WindowSpec extends NodeBase {
  readonly kind: 'windowSpec';
  /** `UNION t1, (SELECT ...) AS t2`: extra rows that feed the window only. */
  readonly unions: readonly (TableRef | SubqueryRef)[];
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly Expr[];
  readonly frame?: Frame;
  readonly maxSize?: IntegerLiteral;
  readonly excludeCurrentRow: boolean;
  readonly excludeCurrentTime: boolean;
  readonly instanceNotInWindow: boolean;
}

export interface WindowDef extends NodeBase {
  readonly kind: 'windowDef';
  readonly name: Ident;
  readonly spec: WindowSpec;
}

export interface SelectItem extends NodeBase {
  readonly kind: 'selectItem';
  readonly expr: Expr;
  readonly alias?: Ident;
}

export interface TableRef extends NodeBase {
  readonly kind: 'tableRef';
  readonly name: ObjectName;
  readonly alias?: Ident;
}

export interface SubqueryRef extends NodeBase {
  readonly kind: 'subqueryRef';
  readonly query: Query;
  readonly alias?: Ident;
}

export type JoinType = 'LAST' | 'LEFT';

export interface Join extends NodeBase {
  readonly kind: 'join';
  readonly type: JoinType;
  readonly left: FromItem;
  readonly right: FromItem;
  /** `LAST JOIN t ORDER BY t.ts ON ...`: the right row with the largest key wins. */
  readonly orderBy: readonly Expr[];
  readonly on: Expr;
}

export type FromItem = TableRef | SubqueryRef | Join;

export interface Select extends NodeBase {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: FromItem;
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  readonly windows: readonly WindowDef[];
}

/** `left UNION ALL right` (`all: false` is UNION DISTINCT). Chains nest to the left. */
export interface SetOperation extends NodeBase {
  readonly kind: 'setOperation';
  readonly op: 'UNION';
  readonly all: boolean;
  readonly left: QueryBody;
  readonly right: QueryBody;
}

/** A `Query` in this position was written in parentheses. */
export type QueryBody = Select | SetOperation | Query;

export interface Cte extends NodeBase {
  readonly kind: 'cte';
  readonly name: Ident;
  readonly query: Query;
}

export interface Query extends NodeBase {
  readonly kind: 'query';
  readonly with: readonly Cte[];
  readonly body: QueryBody;
  readonly limit?: IntegerLiteral;
}

// ---------------------------------------------------------------------------------------------
// Options

/** A value in a generic `OPTIONS (...)` / `CONFIG (...)` list. */
export type OptionValue = Literal | Interval | Param | Ident | OptionTuple | OptionArray;

/** `(v, ...)`. */
export interface OptionTuple extends NodeBase {
  readonly kind: 'optionTuple';
  readonly items: readonly OptionValue[];
}

/** `[v, ...]`. */
export interface OptionArray extends NodeBase {
  readonly kind: 'optionArray';
  readonly items: readonly OptionValue[];
}

export interface OptionEntry extends NodeBase {
  readonly kind: 'option';
  readonly name: Ident;
  readonly value: OptionValue;
}

// ---------------------------------------------------------------------------------------------
// DDL pieces

export interface ColumnDef extends NodeBase {
  readonly kind: 'columnDef';
  readonly name: Ident;
  readonly type: DataType;
  readonly notNull: boolean;
  readonly defaultValue?: Literal;
}

/** `TTL=10m`, `TTL=100`, `TTL=(10m, 100)`: checked against the TTL type by the planner. */
export interface TtlSpec extends NodeBase {
  readonly kind: 'ttl';
  readonly values: readonly (IntegerLiteral | Interval)[];
}

/** The body of `INDEX(KEY=..., TS=..., TTL=..., TTL_TYPE=...)` and of CREATE INDEX. */
export interface IndexSpec extends NodeBase {
  readonly kind: 'indexSpec';
  /** Empty when no KEY was given. */
  readonly keys: readonly Ident[];
  readonly ts?: Ident;
  readonly ttl?: TtlSpec;
  readonly ttlType?: TtlType;
}

export interface IndexDef extends NodeBase {
  readonly kind: 'indexDef';
  readonly name?: Ident;
  readonly spec: IndexSpec;
}

export interface DistributionEntry extends NodeBase {
  readonly kind: 'distributionEntry';
  readonly leader: string;
  readonly followers: readonly string[];
}

export interface PartitionNumOption extends NodeBase {
  readonly kind: 'partitionNum';
  readonly value: number;
}

export interface ReplicaNumOption extends NodeBase {
  readonly kind: 'replicaNum';
  readonly value: number;
}

export interface DistributionOption extends NodeBase {
  readonly kind: 'distribution';
  readonly partitions: readonly DistributionEntry[];
}

export interface StorageModeOption extends NodeBase {
  readonly kind: 'storageMode';
  readonly value: StorageMode;
}

export interface CompressTypeOption extends NodeBase {
  readonly kind: 'compressType';
  readonly value: 'none' | 'snappy';
}

/** Our own option: how a partition leader acknowledges writes. */
export interface ReplicationModeOption extends NodeBase {
  readonly kind: 'replicationMode';
  readonly value: ReplicationMode;
}

export type TableOption =
  | PartitionNumOption
  | ReplicaNumOption
  | DistributionOption
  | StorageModeOption
  | CompressTypeOption
  | ReplicationModeOption;

// ---------------------------------------------------------------------------------------------
// Statements

export interface CreateDatabase extends NodeBase {
  readonly kind: 'createDatabase';
  readonly name: Ident;
  readonly ifNotExists: boolean;
}

export interface DropDatabase extends NodeBase {
  readonly kind: 'dropDatabase';
  readonly name: Ident;
  readonly ifExists: boolean;
}

export interface UseDatabase extends NodeBase {
  readonly kind: 'useDatabase';
  readonly name: Ident;
}

export interface CreateTable extends NodeBase {
  readonly kind: 'createTable';
  readonly table: ObjectName;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  readonly indexes: readonly IndexDef[];
  /** Each option kind at most once. */
  readonly options: readonly TableOption[];
}

export interface CreateIndex extends NodeBase {
  readonly kind: 'createIndex';
  readonly name: Ident;
  readonly table: ObjectName;
  /** `keys` are the columns in parentheses; ts/ttl/ttlType come from OPTIONS. */
  readonly spec: IndexSpec;
}

export interface DropIndex extends NodeBase {
  readonly kind: 'dropIndex';
  readonly table: ObjectName;
  readonly index: Ident;
}

export interface DropTable extends NodeBase {
  readonly kind: 'dropTable';
  readonly table: ObjectName;
  readonly ifExists: boolean;
}

export interface TruncateTable extends NodeBase {
  readonly kind: 'truncateTable';
  readonly table: ObjectName;
}

export type ShowTarget =
  | { readonly what: 'databases' }
  | { readonly what: 'tables' }
  | { readonly what: 'tableStatus'; readonly like?: string }
  | { readonly what: 'components' }
  | { readonly what: 'deployments' }
  | { readonly what: 'deployment'; readonly name: ObjectName }
  | { readonly what: 'variables'; readonly scope: VariableScope }
  | { readonly what: 'createTable'; readonly table: ObjectName }
  | { readonly what: 'functions' }
  | { readonly what: 'procedures' }
  | { readonly what: 'jobs'; readonly from?: 'taskmanager' | 'nameserver'; readonly like?: string }
  | { readonly what: 'job'; readonly id: number }
  | { readonly what: 'currentUser' };

export interface Show extends NodeBase {
  readonly kind: 'show';
  readonly target: ShowTarget;
}

export interface Describe extends NodeBase {
  readonly kind: 'describe';
  readonly table: ObjectName;
}

export type VariableScope = 'session' | 'global';

/** `SET @@[session.|global.]x = v` or `SET [SESSION|GLOBAL] x = v`. */
export interface SetVariable extends NodeBase {
  readonly kind: 'setVariable';
  readonly scope: VariableScope;
  readonly name: Ident;
  /** A bare word (`SET @@execute_mode = online`) is an `Ident`. */
  readonly value: Literal | Ident;
}

export interface Insert extends NodeBase {
  readonly kind: 'insert';
  readonly orIgnore: boolean;
  readonly table: ObjectName;
  /** Empty when no column list was written. */
  readonly columns: readonly Ident[];
  /** Each value as written; the planner accepts only literals and `?`. */
  readonly rows: readonly (readonly Expr[])[];
}

export interface Delete extends NodeBase {
  readonly kind: 'delete';
  readonly table: ObjectName;
  readonly where: Expr;
}

/** `SELECT ... INTO OUTFILE 'path' [OPTIONS (...)]`. */
export interface Outfile extends NodeBase {
  readonly kind: 'outfile';
  readonly path: string;
  readonly options: readonly OptionEntry[];
}

export interface QueryStatement extends NodeBase {
  readonly kind: 'queryStatement';
  readonly query: Query;
  /** `CONFIG (execute_mode = 'request', values = (...))`; empty when absent. */
  readonly config: readonly OptionEntry[];
  readonly outfile?: Outfile;
}

export interface Deploy extends NodeBase {
  readonly kind: 'deploy';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  readonly options: readonly OptionEntry[];
  readonly query: Query;
}

export interface DropDeployment extends NodeBase {
  readonly kind: 'dropDeployment';
  readonly name: ObjectName;
}

export interface Explain extends NodeBase {
  readonly kind: 'explain';
  readonly statement: QueryStatement;
}

export interface LoadData extends NodeBase {
  readonly kind: 'loadData';
  readonly path: string;
  readonly table: ObjectName;
  readonly options: readonly OptionEntry[];
}

export type Statement =
  | CreateDatabase
  | DropDatabase
  | UseDatabase
  | CreateTable
  | CreateIndex
  | DropIndex
  | DropTable
  | TruncateTable
  | Show
  | Describe
  | SetVariable
  | Insert
  | Delete
  | QueryStatement
  | Deploy
  | DropDeployment
  | Explain
  | LoadData;

/** Every node kind in the tree. */
export type AnyNode =
  | Statement
  | Expr
  | Ident
  | ObjectName
  | DataType
  | CaseWhen
  | Interval
  | WindowRef
  | FrameBound
  | Frame
  | WindowSpec
  | WindowDef
  | SelectItem
  | FromItem
  | Select
  | SetOperation
  | Cte
  | Query
  | OptionTuple
  | OptionArray
  | OptionEntry
  | ColumnDef
  | TtlSpec
  | IndexSpec
  | IndexDef
  | DistributionEntry
  | TableOption
  | Outfile;
