/**
 * The database as the conformance runner sees it. The runner only speaks SQL text plus typed rows,
 * so any implementation (the in-process standalone database, the SDK against a cluster) can be
 * wired in by the composition root. Failures are values; a thrown error or a hung call is caught by
 * the runner and fails only the case in progress.
 */
import type { Failure, Result } from '../base/status.js';
import type { ColumnType, IndexDef, Value } from '../protocol/schema.js';

export interface ResultColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ExecSuccess {
  readonly ok: true;
  /** Present for statements that produce a result set (SELECT, SHOW, DESC, request calls). */
  readonly columns?: readonly ResultColumn[];
  readonly rows?: readonly (readonly Value[])[];
}

export type ExecResult = ExecSuccess | Failure;

/** Table metadata used by the `idxs` and `options` expectations. */
export interface TableMeta {
  readonly indexes: readonly IndexDef[];
  readonly partitionNum: number;
  readonly replicaNum: number;
}

export interface DeploymentColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly isConstant: boolean;
}

/** Deployment metadata used by the `deployment` expectation (what `SHOW DEPLOYMENT` prints). */
export interface DeploymentMeta {
  readonly db: string;
  readonly name: string;
  /** The stored `DEPLOY ...` statement text. */
  readonly sql: string;
  readonly inputColumns: readonly DeploymentColumn[];
  readonly outputColumns: readonly DeploymentColumn[];
}

export interface EngineUnderTest {
  /** Drops every database, table and deployment: the next case starts from an empty system. */
  reset(): Promise<Result<void>>;
  /** Runs one statement of any kind; `db` is the current database (`undefined`: none selected). */
  execute(db: string | undefined, sql: string, params?: readonly Value[]): Promise<ExecResult>;
  /** Runs a query in request mode for one request row of the query's main table. */
  requestQuery(db: string, sql: string, row: readonly Value[]): Promise<ExecResult>;
  /** Calls a deployment with request rows; one output row per request row. */
  callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<ExecResult>;
  /** Optional metadata access for Tier-2 expectations; cases that need it fail without it. */
  tableInfo?(db: string, table: string): Promise<Result<TableMeta>>;
  deploymentInfo?(db: string, name: string): Promise<Result<DeploymentMeta>>;
  /** Tablet endpoints substituted for `{tb_endpoint_N}`. */
  readonly tabletEndpoints?: readonly string[];
  close(): Promise<void>;
}

/** Creates a fresh engine; called once per run, and again if an engine stops answering. */
export type EngineFactory = () => Promise<EngineUnderTest>;
