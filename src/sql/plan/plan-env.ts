/** What planning one query needs from outside: tables, the current database, parameters, CTEs. */
import type { Query } from '../syntax/index.js';
import type { SqlCatalog } from './catalog.js';
import type { ParamTypes } from './expr-planner.js';
import type { QueryPlan } from './plan-types.js';

export interface CteDef {
  readonly query: Query;
  /** The environment the CTE was defined in (it sees the CTEs before it). */
  readonly env: PlanEnv;
}

export interface PlanEnv {
  readonly catalog: SqlCatalog;
  /** Database of unqualified table names; undefined when none is selected. */
  readonly db?: string;
  readonly params: ParamTypes;
  /** Visible CTEs by lower-case name. */
  readonly ctes: ReadonlyMap<string, CteDef>;
  /** Plans a nested query (injected to keep the planner files free of import cycles). */
  readonly planQuery: (query: Query, env: PlanEnv) => QueryPlan;
}
