/**
 * The SQL session runs DDL, DML and SHOW itself; queries and deployments are run by an executor
 * the composition root injects (the planner/executor reading tablets). Without one, those
 * statements fail with a message saying so.
 */
import type { Result } from '../base/status.js';
import type { Value } from '../protocol/schema.js';
import type { ExecuteMode, ResultSet } from '../sql/statements/index.js';
import type { Deploy, DropDeployment, Explain, QueryStatement, Show } from '../sql/syntax/index.js';

/** Statements the session hands to the query executor. */
export type QueryHookStatement = QueryStatement | Explain | Deploy | DropDeployment | Show;

export interface QueryRequest {
  /** SELECT (with CONFIG / INTO OUTFILE), EXPLAIN, DEPLOY, DROP DEPLOYMENT, SHOW DEPLOYMENT(S). */
  readonly statement: QueryHookStatement;
  /** The statement's own text (no trailing `;`); positions in `statement` are relative to it. */
  readonly sql: string;
  /** The session's current database, if one was chosen with USE. */
  readonly db: string | undefined;
  /** The session's @@execute_mode (a CONFIG clause in the query may override it). */
  readonly executeMode: ExecuteMode;
  /** Values of the statement's `?` placeholders, in order. */
  readonly params: readonly Value[];
  /** Every session variable (lower-case names). */
  readonly variables: Readonly<Record<string, string>>;
}

export interface QueryExecutor {
  execute(request: QueryRequest): Promise<Result<ResultSet>>;
  /** Calls a deployment: one output row per request row (main-table column order). */
  callDeployment?(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>>;
  /** Runs a SELECT in request mode for request rows of its main table. */
  requestQuery?(db: string | undefined, sql: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>>;
}

/** Whether the session passes `statement` to the query executor. */
export function isQueryHookStatement(statement: { readonly kind: string }): boolean {
  switch (statement.kind) {
    case 'queryStatement':
    case 'explain':
    case 'deploy':
    case 'dropDeployment':
      return true;
    case 'show': {
      const what = (statement as Show).target.what;
      return what === 'deployments' || what === 'deployment';
    }
    default:
      return false;
  }
}
