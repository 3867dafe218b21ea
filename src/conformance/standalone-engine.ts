/**
 * The conformance runner's engine over a real database: a standalone process (the bundled
 * program, `build/bin/openmldb.mjs --role=standalone`) in a temp directory on free loopback ports,
 * driven through the SDK. reset() drops what the previous case created (deployments, tables,
 * databases) instead of restarting the process; close() stops the process and removes the
 * directory. The bundle is built first when it is missing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, okVoid, type Result } from '../base/status.js';
import { SqlSession } from '../client/sql-session.js';
import type { Value } from '../protocol/schema.js';
import { type Connection, connect } from '../sdk/index.js';
import type { ResultSet } from '../sql/statements/index.js';
import type { DeploymentMeta, EngineUnderTest, ExecResult, TableMeta } from './engine.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_KEPT_CHARS = 4000;

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 10 && !existsSync(join(dir, 'package.json')); up++) dir = dirname(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

function execResult(r: Result<ResultSet>): ExecResult {
  if (!r.ok) return r;
  return r.value.columns.length === 0 ? { ok: true } : { ok: true, columns: r.value.columns, rows: r.value.rows };
}

function waitForOutput(child: ChildProcess, output: () => string, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolveStarted, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the standalone database did not start within ${timeoutMs} ms; output:\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      if (output().includes(marker)) {
        cleanup();
        resolveStarted();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the standalone database exited with ${code} while starting; output:\n${output()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

export class StandaloneEngine implements EngineUnderTest {
  private readonly sessions = new Map<string, SqlSession>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly conn: Connection,
    readonly tabletEndpoints: readonly string[],
  ) {}

  /** Starts a standalone database in a fresh temp directory and connects to it. */
  static async start(): Promise<StandaloneEngine> {
    const root = repoRoot();
    const program = join(root, 'build', 'bin', 'openmldb.mjs');
    if (!existsSync(program)) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    const dir = mkdtempSync(join(tmpdir(), 'omts-conformance-'));
    const nsPort = await freePort();
    const tabletPort = await freePort();
    const nsEndpoint = `127.0.0.1:${nsPort}`;
    const tabletEndpoint = `127.0.0.1:${tabletPort}`;
    const child = spawn(
      process.execPath,
      [
        program,
        '--role=standalone',
        `--flagfile=${resolve(root, 'conf', 'standalone.flags')}`,
        `--endpoint=${nsEndpoint}`,
        `--tablet=${tabletEndpoint}`,
        `--db_root_path=${join(dir, 'db')}`,
        `--recycle_bin_root_path=${join(dir, 'recycle')}`,
        '--recycle_bin_enabled=false',
        `--openmldb_log_dir=${join(dir, 'logs')}`,
        '--log_level=warn',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-OUTPUT_KEPT_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    try {
      await waitForOutput(child, () => output, 'standalone is up', START_TIMEOUT_MS);
      const conn = await connect({ host: '127.0.0.1', port: nsPort });
      return new StandaloneEngine(child, dir, conn, [tabletEndpoint]);
    } catch (err) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

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
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The engine factory the conformance CLI registers (engine-registry.ts). */
export async function startStandaloneEngine(): Promise<EngineUnderTest> {
  return StandaloneEngine.start();
}
