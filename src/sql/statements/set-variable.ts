/**
 * SET @@[session.|global.]name = value and SET [SESSION|GLOBAL] name = value (sql.md §2.6).
 * Names and values are lower-cased (spark_config keeps its case: it holds Spark settings). The
 * known variables are checked; unknown names are accepted and ignored, as the reference does.
 */
import { Code, ok, type Result } from '../../base/status.js';
import type { SetVariable, VariableScope } from '../syntax/index.js';
import { statementFail } from './statement-error.js';

export type ExecuteMode = 'online' | 'request' | 'offline';
export const EXECUTE_MODES: readonly ExecuteMode[] = ['online', 'request', 'offline'];

/** Session variables and their values before any SET (what SHOW VARIABLES lists). */
export const SESSION_VARIABLE_DEFAULTS: Readonly<Record<string, string>> = {
  enable_trace: 'false',
  execute_mode: 'online',
  job_timeout: '60000',
  sync_job: 'false',
};

/** What the nameserver seeds its global variable table with. */
export const GLOBAL_VARIABLE_DEFAULTS: Readonly<Record<string, string>> = {
  enable_trace: 'false',
  execute_mode: 'online',
  job_timeout: '20000',
  sync_job: 'false',
};

const BOOLEANS = ['true', 'false'];
const INT32_MAX = 2 ** 31 - 1;

/** Why `value` is not valid for the variable, or undefined when it is (or the variable is unknown). */
function invalid(name: string, value: string): string | undefined {
  switch (name) {
    case 'execute_mode':
      return (EXECUTE_MODES as readonly string[]).includes(value) ? undefined : `one of ${EXECUTE_MODES.join(', ')}`;
    case 'enable_trace':
    case 'sync_job':
    case 'ansi_sql_rewriter':
      return BOOLEANS.includes(value) ? undefined : 'true or false';
    case 'job_timeout':
      return /^\d+$/.test(value) && Number(value) <= INT32_MAX ? undefined : `an integer number of milliseconds (0..${INT32_MAX})`;
    case 'insert_memory_usage_limit':
      return /^\d+$/.test(value) && Number(value) <= 100 ? undefined : 'an integer percentage 0..100';
    case 'spark_config': {
      const parts = value.split(';').map((p) => p.trim()).filter((p) => p !== '');
      return parts.every((p) => /^[^=\s]+\s*=.*$/.test(p)) ? undefined : "Spark settings 'key=value;key=value'";
    }
    default:
      return undefined;
  }
}

export interface VariableAssignment {
  readonly scope: VariableScope;
  /** Lower-cased. */
  readonly name: string;
  readonly value: string;
  /** One of the variables the system uses; unknown names are accepted and ignored. */
  readonly known: boolean;
}

const KNOWN = new Set([
  'execute_mode',
  'enable_trace',
  'sync_job',
  'ansi_sql_rewriter',
  'job_timeout',
  'insert_memory_usage_limit',
  'spark_config',
]);

export function planSet(node: SetVariable): Result<VariableAssignment> {
  const name = node.name.name.toLowerCase();
  const v = node.value;
  if (v.kind === 'literal' && v.type === 'null') {
    return statementFail(Code.sqlPlanError, `set failed: variable '${name}' cannot be NULL`, v.pos);
  }
  const raw = v.kind === 'ident' ? v.name : v.type === 'string' ? v.value : String(v.value);
  const value = name === 'spark_config' ? raw : raw.toLowerCase();
  const problem = invalid(name, value);
  if (problem !== undefined) {
    return statementFail(Code.sqlPlanError, `set failed: invalid value '${raw}' for ${name}; expected ${problem}`, v.pos);
  }
  return ok({ scope: node.scope, name, value, known: KNOWN.has(name) });
}
