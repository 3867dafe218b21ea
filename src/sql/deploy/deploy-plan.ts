/**
 * DEPLOY validation and index inference (sql.md §5.2): the SELECT must satisfy request mode's
 * rules (§4.3); every window and LAST JOIN needs a (keys, ts) index, with the TTL its frame needs.
 * An existing index is widened when its TTL keeps less; a missing one is created. The result says
 * what to change; the caller (the nameserver) applies it, then stores the deployment.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { ColumnType, IndexDef, TableSchema, Ttl } from '../../protocol/schema.js';
import { planSql } from '../engine.js';
import type { SqlCatalog, SqlTable } from '../plan/catalog.js';
import type { FromPlan, QueryPlan } from '../plan/plan-types.js';
import { analyzeRequest, checkBatchRules, type IndexRequirement } from '../plan/request-rules.js';
import { type Deploy, type OptionEntry, type OptionValue, parseStatement } from '../syntax/index.js';
import { isColumnType } from '../types.js';
import { applyBias, type Bias, mergeTtl, sameTtl } from './ttl.js';

export interface DeployOptions {
  readonly skipIndexCheck: boolean;
  readonly sync: boolean;
  readonly rangeBiasMs?: Bias;
  readonly rowsBias?: Bias;
  /** LONG_WINDOWS as written (pre-aggregation is not implemented; the option is recorded). */
  readonly longWindows?: string;
}

export type IndexChange =
  | {
      readonly kind: 'newIndex';
      readonly db: string;
      readonly table: string;
      /** `name` is empty: the nameserver generates one. */
      readonly index: IndexDef;
    }
  | {
      readonly kind: 'widenTtl';
      readonly db: string;
      readonly table: string;
      readonly indexPos: number;
      readonly indexName: string;
      readonly ttl: Ttl;
    };

export interface DeployPlan {
  readonly name: string;
  readonly db: string;
  readonly mainTable: { readonly db: string; readonly name: string };
  /** The main table's schema: what a request row looks like. */
  readonly inputSchema: TableSchema;
  readonly outputSchema: readonly { readonly name: string; readonly type: ColumnType }[];
  readonly tablesUsed: readonly { readonly db: string; readonly name: string }[];
  readonly indexChanges: readonly IndexChange[];
  readonly options: DeployOptions;
}

function optionText(v: OptionValue): string | undefined {
  switch (v.kind) {
    case 'literal':
      return v.type === 'null' ? undefined : String(v.value);
    case 'interval':
      return v.image;
    case 'ident':
      return v.name;
    default:
      return undefined;
  }
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseBias(text: string, withUnits: boolean): Bias | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'inf') return 'inf';
  const m = /^(\d+)([smhd]?)$/.exec(t);
  if (m === null) return undefined;
  if (m[2] !== '' && !withUnits) return undefined;
  return Number(m[1]) * (m[2] === '' ? 1 : UNIT_MS[m[2]!]!);
}

export function deployOptions(entries: readonly OptionEntry[]): Result<DeployOptions> {
  let skipIndexCheck = false;
  let sync = true;
  let rangeBiasMs: Bias | undefined;
  let rowsBias: Bias | undefined;
  let longWindows: string | undefined;
  for (const e of entries) {
    const name = e.name.name.toLowerCase();
    const text = optionText(e.value);
    const bad = () => fail(Code.invalidParameter, `DEPLOY option ${e.name.name} has an invalid value`);
    if (text === undefined) return bad();
    switch (name) {
      case 'skip_index_check':
        skipIndexCheck = text.toLowerCase() === 'true';
        break;
      case 'sync':
        sync = text.toLowerCase() !== 'false';
        break;
      case 'range_bias':
        rangeBiasMs = parseBias(text, true);
        if (rangeBiasMs === undefined) return bad();
        break;
      case 'rows_bias':
        rowsBias = parseBias(text, false);
        if (rowsBias === undefined) return bad();
        break;
      case 'long_windows':
        longWindows = text;
        break;
      default:
        return fail(Code.invalidParameter, `unknown DEPLOY option '${e.name.name}'`);
    }
  }
  return ok({
    skipIndexCheck,
    sync,
    ...(rangeBiasMs === undefined ? {} : { rangeBiasMs }),
    ...(rowsBias === undefined ? {} : { rowsBias }),
    ...(longWindows === undefined ? {} : { longWindows }),
  });
}

function tablesOf(plan: QueryPlan, out: Map<SqlTable, true>): void {
  const from = (f: FromPlan | undefined): void => {
    if (f === undefined) return;
    if (f.kind === 'table') out.set(f.table, true);
    else if (f.kind === 'derived') tablesOf(f.query, out);
    else {
      from(f.left);
      from(f.right);
    }
  };
  if (plan.kind === 'select') {
    from(plan.from);
    for (const w of plan.windows) for (const u of w.unions) from(u.from);
  } else if (plan.kind === 'limit') tablesOf(plan.input, out);
  else {
    tablesOf(plan.left, out);
    tablesOf(plan.right, out);
  }
}

function indexChanges(requirements: readonly IndexRequirement[], options: DeployOptions): IndexChange[] {
  const widened = new Map<string, { table: SqlTable; indexPos: number; ttl: Ttl }>();
  const created = new Map<string, { table: SqlTable; keys: readonly number[]; ts?: number; ttl: Ttl }>();
  for (const r of requirements) {
    const need = applyBias(r.ttl, options.rangeBiasMs, options.rowsBias);
    if (r.indexPos !== undefined) {
      const id = `${r.table.db}.${r.table.name}#${r.indexPos}`;
      const current = widened.get(id)?.ttl ?? r.table.schema.indexes[r.indexPos]!.ttl;
      widened.set(id, { table: r.table, indexPos: r.indexPos, ttl: mergeTtl(current, need) });
      continue;
    }
    const id = `${r.table.db}.${r.table.name}#${[...r.keyColumns].sort((a, b) => a - b).join(',')}#${r.tsColumn ?? ''}`;
    const prior = created.get(id);
    created.set(id, { table: r.table, keys: r.keyColumns, ...(r.tsColumn === undefined ? {} : { ts: r.tsColumn }), ttl: prior === undefined ? need : mergeTtl(prior.ttl, need) });
  }
  const out: IndexChange[] = [];
  for (const w of widened.values()) {
    const index = w.table.schema.indexes[w.indexPos]!;
    if (sameTtl(index.ttl, w.ttl)) continue;
    out.push({ kind: 'widenTtl', db: w.table.db, table: w.table.name, indexPos: w.indexPos, indexName: index.name, ttl: w.ttl });
  }
  for (const c of created.values()) {
    const cols = c.table.schema.columns;
    const index: IndexDef = {
      name: '',
      keyColumns: c.keys.map((k) => cols[k]!.name),
      ...(c.ts === undefined ? {} : { tsColumn: cols[c.ts]!.name }),
      ttl: c.ttl,
    };
    out.push({ kind: 'newIndex', db: c.table.db, table: c.table.name, index });
  }
  return out;
}

/** Validates `DEPLOY name [OPTIONS(...)] SELECT ...` and works out the index changes it needs. */
export function planDeploy(statement: string | Deploy, catalog: SqlCatalog, context: { readonly db: string }): Result<DeployPlan> {
  let deploy: Deploy;
  if (typeof statement === 'string') {
    const parsed = parseStatement(statement);
    if (!parsed.ok) return parsed;
    if (parsed.value.kind !== 'deploy') return fail(Code.sqlPlanError, `expected a DEPLOY statement, got ${parsed.value.kind}`);
    deploy = parsed.value;
  } else deploy = statement;
  const options = deployOptions(deploy.options);
  if (!options.ok) return options;
  const plan = planSql(deploy.query, catalog, context.db, []);
  if (!plan.ok) return plan;
  const batch = checkBatchRules(plan.value);
  if (!batch.ok) return batch;
  const analysis = analyzeRequest(plan.value);
  if (!analysis.ok) return analysis;
  const outputSchema: { name: string; type: ColumnType }[] = [];
  for (const c of plan.value.columns) {
    if (!isColumnType(c.type)) return fail(Code.sqlTypeError, `output column '${c.name}' has a type a deployment cannot return`);
    outputSchema.push({ name: c.name, type: c.type });
  }
  const tables = new Map<SqlTable, true>();
  tablesOf(plan.value, tables);
  const main = analysis.value.mainTable;
  return ok({
    name: deploy.name.name,
    db: context.db,
    mainTable: { db: main.db, name: main.name },
    inputSchema: main.schema,
    outputSchema,
    tablesUsed: [...tables.keys()].map((t) => ({ db: t.db, name: t.name })),
    indexChanges: options.value.skipIndexCheck ? [] : indexChanges(analysis.value.requirements, options.value),
    options: options.value,
  });
}
