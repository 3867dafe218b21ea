/**
 * Compiles a query plan: SELECTs (select-exec.ts), UNION [ALL|DISTINCT] and LIMIT. UNION and
 * LIMIT exist in batch mode only (sql.md §4.3).
 */
import { Code, fail } from '../../base/status.js';
import type { QueryPlan } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';
import { type CompiledQuery, ExecAbort } from './compiled.js';
import { CompiledSelect } from './select-exec.js';

function rowKey(row: readonly SqlValue[]): string {
  return row.map((v) => (v === null ? 'N' : `${typeof v}:${String(v)}`)).join('\u0001');
}

function notInRequest(what: string): never {
  throw new ExecAbort(fail(Code.sqlPlanError, `${what} is not supported in request mode`));
}

export function compileQuery(plan: QueryPlan): CompiledQuery {
  switch (plan.kind) {
    case 'select':
      return new CompiledSelect(plan, compileQuery);
    case 'limit': {
      const input = compileQuery(plan.input);
      return {
        plan,
        columns: plan.columns,
        mainTable: input.mainTable,
        runBatch: async (rc) => (await input.runBatch(rc)).slice(0, plan.limit),
        runRequest: () => notInRequest('LIMIT'),
      };
    }
    case 'union': {
      const left = compileQuery(plan.left);
      const right = compileQuery(plan.right);
      return {
        plan,
        columns: plan.columns,
        mainTable: left.mainTable,
        runBatch: async (rc) => {
          const rows = [...(await left.runBatch(rc)), ...(await right.runBatch(rc))];
          if (plan.all) return rows;
          const seen = new Set<string>();
          return rows.filter((r) => {
            const k = rowKey(r);
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          });
        },
        runRequest: () => notInRequest('UNION'),
      };
    }
  }
}
