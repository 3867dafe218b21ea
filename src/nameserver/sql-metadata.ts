/**
 * Deployments and index changes in the nameserver (sql.md §5): DEPLOY validates the query in
 * request mode against the tables' schemas, works out the index changes it needs (planDeploy),
 * checks that the query compiles once they are made, applies them to the tablets
 * (table-changes.ts), then stores the deployment (deployment-store.ts) and tells clients the
 * metadata changed. CREATE INDEX uses the same index path. Everything runs under the nameserver's
 * DDL lock, one change at a time.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Clock } from '../ports/clock.js';
import { DEPLOYMENT_FORMAT_VERSION, type DeploymentInfo, type NameServerMethods } from '../protocol/messages.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import { isValidName, normalizeSchema } from '../protocol/schema-rules.js';
import { type IndexDef, isLiveIndex, type TableInfo, type TableSchema } from '../protocol/schema.js';
import { arrayOf, bool, type Check, nonNegativeInt, object, oneOf, optional, str } from '../protocol/validate.js';
import { type DeployOptions, planDeploy } from '../sql/deploy/deploy-plan.js';
import { planSql, prepare } from '../sql/engine.js';
import { analyzeRequest } from '../sql/plan/request-rules.js';
import { type Deploy, formatDeploySql, parseStatement } from '../sql/syntax/index.js';
import { TTL_TYPES } from '../protocol/schema.js';
import type { DeploymentStore } from './deployment-store.js';
import { indexesUsedBy, planDropIndex } from './drop-index.js';
import { SchemaCatalog } from './schema-catalog.js';
import { applyTableChanges, dropIndexEverywhere, type TableChangeHost } from './table-changes.js';

export interface SqlMetadataHost extends TableChangeHost {
  readonly clock: Clock;
  readonly store: DeploymentStore;
  tables(): readonly TableInfo[];
  databases(): ReadonlySet<string>;
  /** Runs `body` holding the nameserver's DDL lock. */
  exclusive<T>(body: () => Promise<T>): Promise<T>;
  /** Tells clients that metadata changed. */
  notifyChange(): Promise<void>;
}

type Req<M extends keyof NameServerMethods> = NameServerMethods[M]['req'];
type Res<M extends keyof NameServerMethods> = NameServerMethods[M]['res'];

function optionsMsg(o: DeployOptions): DeploymentInfo['options'] {
  return {
    skipIndexCheck: o.skipIndexCheck,
    sync: o.sync,
    ...(o.rangeBiasMs !== undefined ? { rangeBias: o.rangeBiasMs } : {}),
    ...(o.rowsBias !== undefined ? { rowsBias: o.rowsBias } : {}),
    ...(o.longWindows !== undefined ? { longWindows: o.longWindows } : {}),
  };
}

/** An index name not used by `indexes`: `INDEX_<position>_<unix seconds>` as the reference names generated ones. */
function newIndexName(indexes: readonly IndexDef[], nowMs: number): string {
  const base = `INDEX_${indexes.length}_${Math.floor(nowMs / 1000)}`;
  const taken = new Set(indexes.map((i) => i.name.toLowerCase()));
  let name = base;
  for (let n = 1; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
  return name;
}

/** normalizeSchema over the live indexes; dropped ones stay as they are, at their positions. */
function normalizeKeepingDropped(schema: TableSchema, nowSeconds: number): Result<TableSchema> {
  const checked = normalizeSchema({ columns: schema.columns, indexes: schema.indexes.filter(isLiveIndex) }, nowSeconds);
  if (!checked.ok) return checked;
  let next = 0;
  const indexes = schema.indexes.map((index) => (isLiveIndex(index) ? checked.value.indexes[next++]! : index));
  return ok({ columns: checked.value.columns, indexes });
}

export class NsSqlMetadata {
  constructor(private readonly host: SqlMetadataHost) {}

  private findTable(db: string, name: string): TableInfo | undefined {
    return this.host.tables().find((t) => t.db === db && t.name === name);
  }

  async deploy(req: Req<'Deploy'>): Promise<Result<Res<'Deploy'>>> {
    const parsed = parseStatement(req.sql);
    if (!parsed.ok) return fail(parsed.code, `deploy failed: ${parsed.message}`);
    if (parsed.value.kind !== 'deploy') return fail(Code.invalidParameter, `deploy failed: expected a DEPLOY statement, got ${parsed.value.kind}`);
    const statement = parsed.value;
    const name = statement.name.name;
    if (!isValidName(name)) return fail(Code.invalidParameter, `deploy failed: invalid deployment name '${name}'`);
    return this.host.exclusive(async () => {
      if (!this.host.databases().has(req.db)) return fail(Code.databaseNotFound, `deploy failed: database '${req.db}' does not exist`);
      if ((await this.host.store.get(req.db, name)) !== undefined) {
        return statement.ifNotExists
          ? ok({ created: false, indexesAdded: [], ttlsChanged: [] })
          : fail(Code.cmdError, `deploy failed: deployment '${name}' already exists in database '${req.db}'`);
      }
      return this.createDeployment(req, statement);
    });
  }

  private async createDeployment(req: Req<'Deploy'>, statement: Deploy): Promise<Result<Res<'Deploy'>>> {
    const tables = this.host.tables();
    const databases = this.host.databases();
    const plan = planDeploy(statement, new SchemaCatalog(tables, databases), { db: req.db });
    if (!plan.ok) return fail(plan.code, `deploy failed: ${plan.message}`);
    // The schemas the tables will have once the changes are made.
    const nowMs = this.host.clock.nowMs();
    const changed = new Map<number, TableInfo>();
    for (const change of plan.value.indexChanges) {
      const original = this.findTable(change.db, change.table);
      if (original === undefined) return fail(Code.tableNotFound, `deploy failed: table '${change.db}.${change.table}' does not exist`);
      const current = changed.get(original.tid) ?? original;
      const indexes = [...current.schema.indexes];
      if (change.kind === 'widenTtl') indexes[change.indexPos] = { ...indexes[change.indexPos]!, ttl: change.ttl };
      else indexes.push({ ...change.index, name: newIndexName(indexes, nowMs) });
      const schema = normalizeKeepingDropped({ columns: current.schema.columns, indexes }, Math.floor(nowMs / 1000));
      if (!schema.ok) return fail(schema.code, `deploy failed: the index it needs on '${change.db}.${change.table}' is not valid: ${schema.message}`);
      changed.set(original.tid, { ...current, schema: schema.value });
    }
    const after = tables.map((t) => changed.get(t.tid) ?? t);
    const catalog = new SchemaCatalog(after, databases);
    const compiled = prepare(statement.query, catalog, { mode: 'request', db: req.db });
    if (!compiled.ok) return fail(compiled.code, `deploy failed: ${compiled.message}`);
    const routingColumns = this.routingColumns(statement, catalog, req.db);
    const indexesAdded: string[] = [];
    const ttlsChanged: string[] = [];
    for (const [tid, updated] of changed) {
      const original = tables.find((t) => t.tid === tid)!;
      const applied = await applyTableChanges(this.host, original, updated);
      if (!applied.ok) {
        if (indexesAdded.length > 0 || ttlsChanged.length > 0) await this.host.notifyChange();
        return fail(applied.code, `deploy failed: ${applied.message}`);
      }
      indexesAdded.push(...applied.value.indexesAdded.map((i) => `${updated.db}.${updated.name}.${i}`));
      ttlsChanged.push(...applied.value.ttlsChanged.map((i) => `${updated.db}.${updated.name}.${i}`));
    }
    const p = plan.value;
    const info: DeploymentInfo = {
      formatVersion: DEPLOYMENT_FORMAT_VERSION,
      db: req.db,
      name: p.name,
      sql: req.sql.trim().replace(/;\s*$/, ''),
      normalizedSql: formatDeploySql(statement),
      mainTable: { ...p.mainTable },
      inputSchema: [...p.inputSchema.columns],
      outputSchema: p.outputSchema.map((c) => ({ name: c.name, type: c.type })),
      tables: p.tablesUsed.map((t) => ({ ...t })),
      options: optionsMsg(p.options),
      routingColumns,
      createdAtMs: nowMs,
    };
    await this.host.store.create(info);
    await this.host.notifyChange();
    this.host.logger.info('deployment created', { db: info.db, name: info.name, indexesAdded, ttlsChanged });
    return ok({ created: true, indexesAdded, ttlsChanged });
  }

  /** Main-table columns of the first window's index key (request rows are routed by them). */
  private routingColumns(statement: Deploy, catalog: SchemaCatalog, db: string): string[] {
    const plan = planSql(statement.query, catalog, db, []);
    if (!plan.ok) return [];
    const analysis = analyzeRequest(plan.value);
    if (!analysis.ok) return [];
    const main = analysis.value.mainTable;
    const first = analysis.value.requirements.find((r) => r.table === main && r.reason.startsWith('window'));
    if (first === undefined || first.indexPos === undefined) return [];
    return [...main.schema.indexes[first.indexPos]!.keyColumns];
  }

  async dropDeployment(req: Req<'DropDeployment'>): Promise<Result<void>> {
    return this.host.exclusive(async () => {
      const dropped = await this.host.store.delete(req.db, req.name);
      if (!dropped) {
        return req.ifExists ? ok(undefined) : fail(Code.cmdError, `drop deployment failed: deployment '${req.db}.${req.name}' does not exist`);
      }
      await this.host.notifyChange();
      return ok(undefined);
    });
  }

  async showDeployments(req: Req<'ShowDeployments'>): Promise<Result<Res<'ShowDeployments'>>> {
    const all = await this.host.store.list();
    return ok({ deployments: all.filter((d) => req.db === undefined || d.db === req.db) });
  }

  async getDeployment(req: Req<'GetDeployment'>): Promise<Result<Res<'GetDeployment'>>> {
    const info = await this.host.store.get(req.db, req.name);
    if (info === undefined) return fail(Code.cmdError, `deployment '${req.db}.${req.name}' does not exist`);
    return ok({ deployment: info });
  }

  async addTableIndex(req: Req<'AddTableIndex'>): Promise<Result<Res<'AddTableIndex'>>> {
    return this.host.exclusive(async () => {
      const table = this.findTable(req.db, req.name);
      if (table === undefined) return fail(Code.tableNotFound, `create index failed: table '${req.db}.${req.name}' does not exist`);
      if (table.storageMode !== 'memory') return fail(Code.invalidParameter, `create index failed: table '${req.db}.${req.name}' is not a memory table`);
      const schema = normalizeKeepingDropped(
        { columns: table.schema.columns, indexes: [...table.schema.indexes, req.index] },
        Math.floor(this.host.clock.nowMs() / 1000),
      );
      if (!schema.ok) return fail(schema.code, `create index failed: ${schema.message}`);
      const applied = await applyTableChanges(this.host, table, { ...table, schema: schema.value });
      if (!applied.ok) return fail(applied.code, `create index failed: ${applied.message}`);
      await this.host.notifyChange();
      return ok({ position: table.schema.indexes.length, backfilledRows: applied.value.backfilledRows });
    });
  }

  /** DROP INDEX: every alive replica first, then the table record (drop-index.ts says what is refused). */
  async deleteTableIndex(req: Req<'DeleteTableIndex'>): Promise<Result<Res<'DeleteTableIndex'>>> {
    return this.host.exclusive(async () => {
      const table = this.findTable(req.db, req.name);
      if (table === undefined) return fail(Code.tableNotFound, `drop index failed: table '${req.db}.${req.name}' does not exist`);
      const deployments = await this.host.store.usingTable(req.db, req.name);
      const catalog = new SchemaCatalog(this.host.tables(), this.host.databases());
      const uses = deployments.map((d) => ({ name: `${d.db}.${d.name}`, uses: indexesUsedBy(d, catalog) }));
      const usedBy = (position: number): string[] =>
        uses.filter((u) => u.uses.some((x) => x.db === req.db && x.table === req.name && x.indexPos === position)).map((u) => u.name);
      const plan = planDropIndex(table, req.index, usedBy);
      if (!plan.ok) return plan;
      const dropped = await dropIndexEverywhere(this.host, table, plan.value.position);
      if (!dropped.ok) return fail(dropped.code, `drop index failed: ${dropped.message}`);
      const saved = await this.host.saveSchema(table.tid, plan.value.schema);
      if (!saved.ok) return fail(saved.code, `drop index failed: ${saved.message}`);
      await this.host.notifyChange();
      this.host.logger.info('index dropped', { table: `${req.db}.${req.name}`, index: req.index, position: plan.value.position });
      return ok({ position: plan.value.position });
    });
  }
}

const indexDef = object({
  name: str,
  keyColumns: arrayOf(str, 64),
  tsColumn: optional(str),
  ttl: object({ type: oneOf(...TTL_TYPES), absMinutes: nonNegativeInt, latCount: nonNegativeInt }),
}) as Check<IndexDef>;

function parse<T>(check: Check<T>, method: string, body: unknown): Result<T> {
  const r = check(body ?? {}, '');
  return r.ok ? ok(r.value) : fail(Code.rpcBadRequest, `${method}: ${r.message}`);
}

/** The nameserver methods of this module; `guard` refuses them on a nameserver that is not the leader. */
export function sqlMetadataHandlers(sql: NsSqlMetadata, guard: (handler: MethodHandler) => MethodHandler): Record<string, MethodHandler> {
  return {
    Deploy: guard(async (body) => {
      const r = parse(object({ db: str, sql: str }), 'Deploy', body);
      return r.ok ? sql.deploy(r.value) : r;
    }),
    DropDeployment: guard(async (body) => {
      const r = parse(object({ db: str, name: str, ifExists: optional(bool) }), 'DropDeployment', body);
      if (!r.ok) return r;
      const done = await sql.dropDeployment(r.value);
      return done.ok ? ok({}) : done;
    }),
    ShowDeployments: guard(async (body) => {
      const r = parse(object({ db: optional(str) }), 'ShowDeployments', body);
      return r.ok ? sql.showDeployments(r.value) : r;
    }),
    GetDeployment: guard(async (body) => {
      const r = parse(object({ db: str, name: str }), 'GetDeployment', body);
      return r.ok ? sql.getDeployment(r.value) : r;
    }),
    AddTableIndex: guard(async (body) => {
      const r = parse(object({ db: str, name: str, index: indexDef }), 'AddTableIndex', body);
      return r.ok ? sql.addTableIndex(r.value) : r;
    }),
    DeleteTableIndex: guard(async (body) => {
      const r = parse(object({ db: str, name: str, index: str }), 'DeleteTableIndex', body);
      return r.ok ? sql.deleteTableIndex(r.value) : r;
    }),
  };
}
