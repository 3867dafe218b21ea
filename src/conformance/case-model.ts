/**
 * A conformance case after loading and dataProvider expansion. Scalars are kept as the strings the
 * file holds; they are typed only when the runner knows the column type (see values.ts).
 */
import type { ColumnSpec } from './column-spec.js';

/** One `indexs` entry: `name:key1|key2:ts[:ttl[:ttl_type]]`. */
export interface IndexSpec {
  readonly name: string;
  readonly keys: readonly string[];
  /** Absent when the entry has no ts or says `null`. */
  readonly ts?: string;
  readonly ttl?: string;
  readonly ttlType?: string;
}

/** An input table, `batch_request` or `parameters`. */
export interface TableSpec {
  readonly name?: string;
  readonly db?: string;
  /** From `columns` or the legacy `schema`. */
  readonly columns?: readonly ColumnSpec[];
  readonly indexes: readonly IndexSpec[];
  /** From `rows` or the legacy CSV `data`; undefined when the table has neither. */
  readonly rows?: readonly (readonly string[])[];
  /** Explicit DDL; overrides columns/indexes for creation. */
  readonly create?: string;
  /** Explicit INSERT statements (`insert` / `inserts`); a statement with `?` runs once per row. */
  readonly inserts: readonly string[];
  /** The table's own `partitionNum` / `replicaNum` (Java dialect); used by cluster runs only. */
  readonly partitionNum?: number;
  readonly replicaNum?: number;
}

export interface ExpectedIndex {
  readonly keys: readonly string[];
  readonly ts: string;
  readonly ttl: string;
  readonly ttlType: string;
}

export interface ExpectedDeployment {
  readonly name?: string;
  readonly dbName?: string;
  readonly sql?: string;
  readonly inColumns?: readonly string[];
  readonly outColumns?: readonly string[];
}

export interface ExpectSpec {
  readonly success: boolean;
  readonly columns?: readonly ColumnSpec[];
  /** Undefined: rows are not checked. */
  readonly rows?: readonly (readonly string[])[];
  readonly order?: string;
  readonly count?: number;
  /** Table whose metadata `idxs` / `options` describe (default: the first input). */
  readonly tableName?: string;
  readonly idxs?: readonly ExpectedIndex[];
  readonly options?: { readonly partitionNum?: number; readonly replicaNum?: number };
  readonly deployment?: ExpectedDeployment;
  readonly deploymentCount?: number;
}

export interface SqlCase {
  /** Case file path relative to the cases directory. */
  readonly file: string;
  /** Case id; expansions append `_<choice index>` per dataProvider list. */
  readonly id: string;
  readonly desc: string;
  /** Skip flags, matched as substrings (see modes.ts). */
  readonly mode: string;
  readonly tags: readonly string[];
  /** Default database: the case's `db`, else the file's. */
  readonly db?: string;
  readonly sql?: string;
  readonly sqls: readonly string[];
  readonly inputs: readonly TableSpec[];
  readonly batchRequest?: TableSpec;
  readonly parameters?: TableSpec;
  readonly expect: ExpectSpec;
  readonly tearDown: readonly string[];
  /** `longWindow: "w1:2"`: DEPLOY ... OPTIONS(long_windows=...) in deploy mode. */
  readonly longWindow?: string;
  readonly deploymentName?: string;
  /** dataProvider choices that produced this expansion, in list order. */
  readonly choices: readonly string[];
}
