/**
 * What every engine over a real database shares: it speaks to the database through the SDK
 * (`Connection`), one SQL session per current database, reset() drops what the previous case
 * created (deployments, tables, databases) instead of restarting anything, and the metadata
 * accessors read the nameserver. The engines differ only in how the database is started and
 * stopped (standalone-engine.ts, cluster-engine.ts), which they hand in as `stopDatabase`.
 */
import { ok, okVoid, type Result } from '../base/status.js';
import { SqlSession } from '../client/sql-session.js';
import type { Value } from '../protocol/schema.js';
import type { Connection } from '../sdk/index.js';
import type { ResultSet } from '../sql/statements/index.js';
import type { DeploymentMeta, EngineUnderTest, ExecResult, TableMeta } from './engine.js';

function execResult(r: Result<ResultSet>): ExecResult {
  if (!r.ok) return r;
  return r.value.columns.length === 0 ? { ok: true } : { ok: true, columns: r.value.columns, rows: r.value.rows };
}

export class SdkEngine implements EngineUnderTest {
  private readonly sessions = new Map<string, SqlSession>();

  constructor(
    private readonly conn: Connection,
    readonly tabletEndpoints: readonly string[],
    /** Stops the database processes and removes their directories. */
    private readonly stopDatabase: () => Promise<void>,
  ) {}

  private session(db: string | undefined): SqlSession {
    const key = db ?? '';
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = new SqlSession(this.conn.client, { queryExecutor: this.conn.queries, ...(db !== undefined ? { database: db } : {}) });
      this.sessions.set(key, s);
    }
    return s;
  }

  async reset(): Promise<Result<void>> {
    this.sessions.clear();
    const client = this.conn.client;
    const deployments = await client.ns('ShowDeployments', {});
    if (!deployments.ok) return deployments;
    for (const d of deployments.value.deployments) {
      const r = await client.ns('DropDeployment', { db: d.db, name: d.name, ifExists: true });
      if (!r.ok) return r;
    }
    const tables = await client.listTables();
    if (!tables.ok) return tables;
    for (const t of tables.value) {
      const r = await client.dropTable(t.db, t.name, true);
      if (!r.ok) return r;
    }
    const dbs = await client.listDatabases();
    if (!dbs.ok) return dbs;
    for (const db of dbs.value) {
      const r = await client.dropDatabase(db, true);
      if (!r.ok) return r;
    }
    client.invalidateMetadata();
    return okVoid;
  }

  async execute(db: string | undefined, sql: string, params?: readonly Value[]): Promise<ExecResult> {
    return execResult(await this.session(db).execute(sql, params ?? []));
  }

  async requestQuery(db: string, sql: string, row: readonly Value[]): Promise<ExecResult> {
    return execResult(await this.conn.queries.requestQuery(db, sql, [row]));
  }

  async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<ExecResult> {
    return execResult(await this.conn.queries.callDeployment(db, name, rows));
  }

  async tableInfo(db: string, table: string): Promise<Result<TableMeta>> {
    this.conn.client.invalidateMetadata();
    const t = await this.conn.client.table(db, table);
    if (!t.ok) return t;
    const info = t.value.info;
    return ok({ indexes: info.schema.indexes, partitionNum: info.partitionNum, replicaNum: info.replicaNum });
  }

  async deploymentInfo(db: string, name: string): Promise<Result<DeploymentMeta>> {
    const r = await this.conn.client.ns('GetDeployment', { db, name });
    if (!r.ok) return r;
    const d = r.value.deployment;
    return ok({
      db: d.db,
      name: d.name,
      sql: d.normalizedSql,
      inputColumns: d.inputSchema.map((c) => ({ name: c.name, type: c.type, isConstant: false })),
      outputColumns: d.outputSchema.map((c) => ({ name: c.name, type: c.type, isConstant: false })),
    });
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
    await this.stopDatabase();
  }
}
