/**
 * The nameserver: databases, tables and their placement, the tablet registry, and (as leader)
 * every metadata change. State of record lives in the coordinator (ZooKeeper, or the standalone
 * mode's local tree); this process keeps a copy it reloads whenever it becomes leader. Standbys
 * refuse requests with `nameserverIsNotLeader`, naming the leader.
 */
import { Code, DbError, fail, ok, okVoid, type Result } from '../base/status.js';
import { Mutex } from '../base/mutex.js';
import type { Clock, Rng, TimerHandle, Timers } from '../ports/clock.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';
import type { RpcClient } from '../ports/transport.js';
import type { NameServerMethods, PartitionMetaMsg, TablePartitionStatus } from '../protocol/messages.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import { isValidName, normalizeSchema } from '../protocol/schema-rules.js';
import { isLiveIndex, TABLE_INFO_FORMAT_VERSION, type TableInfo, type TablePartition, type TableSchema, type Ttl } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import { bool, type Check, int, object, oneOf, optional, str, unknownValue } from '../protocol/validate.js';
import { ClusterVersionWatch, clusterVersionPath, readClusterVersion } from '../protocol/cluster-version.js';
import { checkJoin } from '../protocol/features.js';
import type { NodeVersionMsg } from '../protocol/messages.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import { ClusterOps, type ClusterOpsHost } from './cluster-ops.js';
import { decideFinalize, lowestVersion } from './finalize-upgrade.js';
import { LeaderElection, listNameServers } from './leader-election.js';
import { MetadataStore } from './metadata-store.js';
import { DeploymentStore } from './deployment-store.js';
import { placePartitions } from './placement.js';
import { NsSqlMetadata, sqlMetadataHandlers } from './sql-metadata.js';
import type { ClusterView, ReplicaStatusView } from './ops/cluster-view.js';
import { DEFAULT_OP_ENGINE_CONFIG } from './ops/engine-config.js';
import { applyMetaEdits, type MetaEdit } from './ops/meta-edit.js';
import { TabletRegistry } from './tablet-registry.js';
import { NameServerVersionRegistration, readNameServerVersions } from './version-registration.js';
import { ZkPaths } from './zk-paths.js';

export interface NameServerOptions {
  readonly endpoint: string;
  readonly zkRootPath: string;
  /** Standalone mode: the one tablet (no registration through the coordinator). */
  readonly standaloneTablet?: string;
  readonly partitionNumDefault: number;
  readonly replicaNumDefault: number;
  readonly autoFailoverDefault: boolean;
  readonly tabletCallTimeoutMs: number;
  /** get_table_status_interval: how often replica offsets and sizes are polled. */
  readonly tableStatusIntervalMs: number;
  /** This nameserver's software version (default SOFTWARE_VERSION; tests run several side by side). */
  readonly softwareVersion?: string;
  /** Cluster mode: op engine and failover settings (absent in standalone mode). */
  readonly cluster?: {
    readonly tabletHeartbeatTimeoutMs: number;
    readonly tabletOfflineCheckIntervalMs: number;
    readonly taskStatusIntervalMs: number;
    readonly taskWaitTimeMs: number;
    readonly concurrency: number;
    readonly concurrencyMax: number;
    readonly checkBinlogSyncProgressDelta: number;
    readonly opNumMax: number;
    readonly opExecuteTimeoutMs: number;
  };
}

export interface NameServerDeps {
  readonly coord: Coordinator;
  /** An RPC client for a tablet endpoint (cached by the caller). */
  readonly tabletClient: (endpoint: string) => RpcClient;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly rng: Rng;
  readonly logger: Logger;
}

type Req<M extends keyof NameServerMethods> = NameServerMethods[M]['req'];

const createTableRequest = object({
  db: str,
  name: str,
  schema: unknownValue as Check<TableSchema>,
  partitionNum: optional(int),
  replicaNum: optional(int),
  replicationMode: optional(oneOf('async', 'sync')),
  ifNotExists: optional(bool),
});
const dbRequest = object({ name: str, ifNotExists: optional(bool), ifExists: optional(bool) });
const tableRef = object({ db: str, name: str, ifExists: optional(bool) });
const showTableRequest = object({ db: optional(str), name: optional(str) });

function parse<T>(check: Check<T>, method: string, body: unknown): Result<T> {
  const r = check(body ?? {}, '');
  return r.ok ? ok(r.value) : fail(Code.rpcBadRequest, `${method}: ${r.message}`);
}

export class NameServer implements ClusterOpsHost {
  private readonly paths: ZkPaths;
  private readonly store: MetadataStore;
  private readonly election: LeaderElection;
  private readonly registry: TabletRegistry;
  private readonly ddl = new Mutex();
  private ready = false;
  private databases = new Set<string>();
  private tables = new Map<number, TableInfo>();
  private metaVersion = 0;
  private stopped = false;
  private autoFailover = false;
  /** Last status each tablet reported for each replica it holds: key `${tid}_${pid}_${endpoint}`. */
  private replicaStatus = new Map<string, TablePartitionStatus>();
  /** Tablets that answered the last status poll (a replica they did not report is not on them). */
  private statusAnswered = new Set<string>();
  private statusTimer: TimerHandle | undefined;
  private readonly ops: ClusterOps | undefined;
  private readonly metadataListeners = new Set<() => void>();
  private readonly sql: NsSqlMetadata;
  private readonly deployments: DeploymentStore;
  private readonly version: string;
  private readonly versionRegistration: NameServerVersionRegistration;
  private readonly clusterVersion: ClusterVersionWatch;

  constructor(
    private readonly deps: NameServerDeps,
    readonly options: NameServerOptions,
  ) {
    this.paths = new ZkPaths(options.zkRootPath);
    this.version = options.softwareVersion ?? SOFTWARE_VERSION;
    this.versionRegistration = new NameServerVersionRegistration(
      deps.coord,
      options.zkRootPath,
      options.endpoint,
      this.version,
      deps.timers,
      deps.logger,
    );
    this.clusterVersion = new ClusterVersionWatch(deps.coord, options.zkRootPath, deps.logger);
    this.store = new MetadataStore(deps.coord, this.paths);
    this.registry = new TabletRegistry(() => deps.clock.nowMs(), deps.logger);
    this.election = new LeaderElection(
      deps.coord,
      this.paths.leader,
      options.endpoint,
      {
        onElected: () => void this.becomeLeader(),
        onDemoted: () => {
          this.ready = false;
          this.ops?.stop();
        },
      },
      deps.logger,
    );
    const c = options.cluster;
    if (c && !options.standaloneTablet) {
      this.ops = new ClusterOps(this, deps.coord, this.paths, deps, {
        engine: {
          ...DEFAULT_OP_ENGINE_CONFIG,
          queueCount: Math.max(c.concurrencyMax, c.concurrency),
          concurrencyDefault: c.concurrency,
          concurrencyMax: c.concurrencyMax,
          checkBinlogSyncProgressDelta: c.checkBinlogSyncProgressDelta,
          opNumMax: c.opNumMax,
          tabletHeartbeatTimeoutMs: c.tabletHeartbeatTimeoutMs,
          opExecuteTimeoutMs: c.opExecuteTimeoutMs,
        },
        tabletHeartbeatTimeoutMs: c.tabletHeartbeatTimeoutMs,
        tabletOfflineCheckIntervalMs: c.tabletOfflineCheckIntervalMs,
        reconcileIntervalMs: Math.max(5000, 5 * options.tableStatusIntervalMs),
        tickIntervalMs: c.taskWaitTimeMs,
        taskStatusIntervalMs: c.taskStatusIntervalMs,
        tabletCallTimeoutMs: options.tabletCallTimeoutMs,
      });
    }
    this.deployments = new DeploymentStore(deps.coord, this.paths);
    this.sql = this.createSqlMetadata();
  }

  /** Deployments and index changes (sql-metadata.ts) over this nameserver's tables and lock. */
  private createSqlMetadata(): NsSqlMetadata {
    return new NsSqlMetadata({
      clock: this.deps.clock,
      logger: this.deps.logger,
      store: this.deployments,
      tabletCallTimeoutMs: this.options.tabletCallTimeoutMs,
      backfillTimeoutMs: Math.max(this.options.tabletCallTimeoutMs, 3_600_000),
      tables: () => [...this.tables.values()],
      databases: () => this.databases,
      exclusive: (body) => this.ddl.run(body),
      notifyChange: () => this.bumpNotify(),
      tabletClient: (endpoint) => this.deps.tabletClient(endpoint),
      isHealthy: (endpoint) => this.registry.isHealthy(endpoint),
      saveSchema: async (tid, schema) => {
        const current = this.tables.get(tid);
        if (!current) return fail(Code.tableNotFound, `table ${tid} was dropped while its indexes changed`);
        const updated = { ...current, schema };
        await this.store.putTable(updated, false);
        this.tables.set(tid, updated);
        return okVoid;
      },
    });
  }

  /** Calls `listener` after every metadata change this nameserver makes; returns an unsubscribe function. */
  onMetadataChange(listener: () => void): () => void {
    this.metadataListeners.add(listener);
    return () => this.metadataListeners.delete(listener);
  }

  get isLeader(): boolean {
    return this.election.isLeader && this.ready;
  }

  /** Refuses to start (throws) when this build is older than the cluster version (checkJoin). */
  async start(): Promise<void> {
    // A busy machine can drop the first ZooKeeper connection: retry the set-up for a while.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.init(this.options.autoFailoverDefault);
        break;
      } catch (err) {
        if (this.stopped || attempt >= 50) throw err;
        this.deps.logger.warn('ZooKeeper set-up failed; retrying', { error: String(err), attempt });
        await new Promise<void>((resolve) => this.deps.timers.after(Math.min(2000, 100 * (attempt + 1)), resolve));
      }
    }
    const join = checkJoin('nameserver', this.version, await readClusterVersion(this.deps.coord, this.options.zkRootPath));
    if (!join.ok) throw new DbError(join.code, join.message);
    await this.versionRegistration.start();
    await this.clusterVersion.refresh();
    await this.election.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    this.statusTimer?.cancel();
    this.ops?.stop();
    this.clusterVersion.stop();
    await this.election.stop();
    await this.versionRegistration.stop();
  }

  /** Polls every healthy tablet for the replicas it holds (offsets, row counts, memory). */
  async pollTableStatus(): Promise<void> {
    const next = new Map<string, TablePartitionStatus>();
    const answered = new Set<string>();
    await Promise.all(
      this.registry.healthy().map(async (endpoint) => {
        const r = await callTablet(this.deps.tabletClient(endpoint), 'GetTableStatus', {}, { timeoutMs: 5000 });
        if (!r.ok) return;
        answered.add(endpoint);
        for (const st of r.value.partitions) next.set(`${st.tid}_${st.pid}_${endpoint}`, st);
      }),
    );
    this.replicaStatus = next;
    this.statusAnswered = answered;
  }

  replicaStatusOf(tid: number, pid: number, endpoint: string): TablePartitionStatus | undefined {
    return this.replicaStatus.get(`${tid}_${pid}_${endpoint}`);
  }

  /** Reloads everything from the coordinator and starts serving as leader. */
  private async becomeLeader(): Promise<void> {
    try {
      this.databases = new Set(await this.store.listDatabases());
      this.tables = new Map((await this.store.loadTables()).map((t) => [t.tid, t]));
      this.metaVersion = await this.store.readCounter(this.paths.notify);
      if (this.options.standaloneTablet) {
        this.registry.setStatic(this.options.standaloneTablet, this.version);
        await this.loadStandaloneTables();
      } else {
        await this.refreshTablets();
      }
      this.autoFailover = this.options.standaloneTablet ? false : await this.store.readAutoFailover();
      await this.ensureClusterVersion();
      await this.pollTableStatus();
      if (!this.election.isLeader || this.stopped) return;
      this.statusTimer?.cancel();
      this.statusTimer = this.deps.timers.every(this.options.tableStatusIntervalMs, () => {
        if (this.isLeader) void this.pollTableStatus();
      });
      this.ready = true;
      await this.ops?.start();
      this.deps.logger.info('nameserver is serving as leader', { tables: this.tables.size, databases: this.databases.size });
    } catch (err) {
      this.deps.logger.error('taking over as leader failed; retrying', { error: String(err) });
      this.deps.timers.after(1000, () => {
        if (this.election.isLeader && !this.ready && !this.stopped) void this.becomeLeader();
      });
    }
  }

  /** A cluster without a cluster version starts at the lowest version among its nodes. */
  private async ensureClusterVersion(): Promise<void> {
    if ((await readClusterVersion(this.deps.coord, this.options.zkRootPath)) !== undefined) return;
    const initial = lowestVersion(await this.nodeVersions(), this.version);
    try {
      await this.deps.coord.create(clusterVersionPath(this.options.zkRootPath), new TextEncoder().encode(initial), 'persistent');
      this.deps.logger.info('cluster version initialized', { clusterVersion: initial });
    } catch (err) {
      if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
    }
    await this.clusterVersion.refresh();
  }

  /** Every node's version: tablets as registered now (and offline ones as last seen), nameservers by their version node. */
  private async nodeVersions(): Promise<NodeVersionMsg[]> {
    const out: NodeVersionMsg[] = [];
    if (this.options.standaloneTablet) {
      out.push({ role: 'tablet', endpoint: this.options.standaloneTablet, version: this.version, state: 'kHealthy' });
    } else {
      const current = await TabletRegistry.read(this.deps.coord, this.paths.nodes, () => {});
      for (const [endpoint, reg] of current) out.push({ role: 'tablet', endpoint, version: reg.version, state: 'kHealthy' });
      for (const t of this.registry.list()) {
        if (!current.has(t.endpoint)) out.push({ role: 'tablet', endpoint: t.endpoint, version: t.version, state: 'kOffline' });
      }
    }
    const versions = await readNameServerVersions(this.deps.coord, this.options.zkRootPath);
    const endpoints = this.options.standaloneTablet ? [this.options.endpoint] : await listNameServers(this.deps.coord, this.paths.leader);
    endpoints.forEach((endpoint, i) => {
      const version = endpoint === this.options.endpoint ? this.version : (versions.get(endpoint) ?? 'unknown');
      out.push({ role: 'nameserver', endpoint, version, state: i === 0 ? 'leader' : 'standby' });
    });
    for (const [endpoint, version] of versions) {
      if (!endpoints.includes(endpoint)) out.push({ role: 'nameserver', endpoint, version, state: 'standby' });
    }
    return out.sort((a, b) => (a.role === b.role ? (a.endpoint < b.endpoint ? -1 : 1) : a.role === 'nameserver' ? -1 : 1));
  }

  /** The finalize step (finalize-upgrade.ts): raises the cluster version when every node runs `target`. */
  async finalizeUpgrade(requested: string | undefined): Promise<Result<{ clusterVersion: string; previous: string }>> {
    return this.ddl.run(async () => {
      const path = clusterVersionPath(this.options.zkRootPath);
      const stat = await this.deps.coord.exists(path);
      const current = await readClusterVersion(this.deps.coord, this.options.zkRootPath);
      const decided = decideFinalize(requested ?? this.version, current, await this.nodeVersions());
      if (!decided.ok) return decided;
      const { clusterVersion, changed } = decided.value;
      if (changed) {
        const data = new TextEncoder().encode(clusterVersion);
        try {
          if (stat) await this.deps.coord.set(path, data, stat.version);
          else await this.deps.coord.create(path, data, 'persistent');
        } catch (err) {
          if (err instanceof CoordinatorError && (err.code === 'badVersion' || err.code === 'nodeExists')) {
            return fail(Code.invalidParameter, `finalize upgrade to ${clusterVersion} failed: the cluster version changed meanwhile; run it again`);
          }
          throw err;
        }
        await this.clusterVersion.refresh();
        await this.bumpNotify();
        this.deps.logger.info('cluster version finalized', { previous: current, clusterVersion });
      }
      return ok({ clusterVersion, previous: current ?? '' });
    });
  }

  private async refreshTablets(): Promise<void> {
    const current = await TabletRegistry.read(this.deps.coord, this.paths.nodes, () => {
      if (!this.stopped) void this.refreshTablets().catch((err) => this.deps.logger.warn('tablet refresh failed', { error: String(err) }));
    });
    const changes = this.registry.apply(current);
    if (this.ready && changes.length > 0) this.ops?.onTabletChanges(changes);
  }

  /** Standalone restart: the tablet starts empty, so load every table it holds. */
  private async loadStandaloneTables(): Promise<void> {
    const endpoint = this.options.standaloneTablet!;
    for (const table of this.tables.values()) {
      for (const partition of table.partitions) {
        const replica = partition.replicas.find((r) => r.endpoint === endpoint);
        if (!replica) continue;
        const meta = this.partitionMeta(table, partition, replica.isLeader ? 'leader' : 'follower', []);
        const r = await callTablet(this.deps.tabletClient(endpoint), 'LoadTable', { meta }, { timeoutMs: 3_600_000 });
        if (!r.ok) {
          this.deps.logger.error('loading a table on the standalone tablet failed', {
            table: `${table.db}.${table.name}`,
            pid: partition.pid,
            error: r.message,
          });
        }
      }
    }
  }

  private notLeader(): Result<never> {
    return fail(Code.nameserverIsNotLeader, `nameserver ${this.options.endpoint} is not the leader`);
  }

  private findTable(db: string, name: string): TableInfo | undefined {
    for (const t of this.tables.values()) if (t.db === db && t.name === name) return t;
    return undefined;
  }

  private partitionMeta(
    table: TableInfo,
    partition: TablePartition,
    mode: 'leader' | 'follower',
    followers: string[],
  ): PartitionMetaMsg {
    const term = partition.termOffsets.at(-1)?.term ?? 1;
    return {
      tid: table.tid,
      pid: partition.pid,
      db: table.db,
      name: table.name,
      schema: table.schema,
      mode,
      term,
      followers,
      replicationMode: table.replicationMode,
      partitionNum: table.partitionNum,
    };
  }

  private async bumpNotify(): Promise<void> {
    this.metaVersion = await this.store.bumpNotify();
    for (const listener of this.metadataListeners) listener();
  }

  async createDatabase(req: Req<'CreateDatabase'>): Promise<Result<void>> {
    if (!isValidName(req.name)) return fail(Code.invalidParameter, `invalid database name '${req.name}'`);
    return this.ddl.run(async () => {
      if (this.databases.has(req.name)) {
        return req.ifNotExists
          ? okVoid
          : fail(Code.databaseAlreadyExists, `Create database failed for database already exists: '${req.name}'`);
      }
      try {
        await this.store.createDatabase(req.name);
      } catch (err) {
        if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
      }
      this.databases.add(req.name);
      await this.bumpNotify();
      return okVoid;
    });
  }

  async dropDatabase(req: Req<'DropDatabase'>): Promise<Result<void>> {
    return this.ddl.run(async () => {
      if (!this.databases.has(req.name)) {
        return req.ifExists ? okVoid : fail(Code.databaseNotFound, `database '${req.name}' does not exist`);
      }
      const tables = [...this.tables.values()].filter((t) => t.db === req.name).map((t) => t.name);
      if (tables.length > 0) {
        return fail(Code.invalidParameter, `drop database failed: database '${req.name}' still has tables: ${tables.join(', ')}`);
      }
      await this.store.dropDatabase(req.name);
      this.databases.delete(req.name);
      await this.bumpNotify();
      return okVoid;
    });
  }

  async createTable(req: Req<'CreateTable'>): Promise<Result<{ tid: number }>> {
    if (!isValidName(req.name)) return fail(Code.invalidParameter, `invalid table name '${req.name}'`);
    const schema = normalizeSchema(req.schema, Math.floor(this.deps.clock.nowMs() / 1000));
    if (!schema.ok) return fail(schema.code, `create table ${req.db}.${req.name} failed: ${schema.message}`);
    return this.ddl.run(async () => {
      if (!this.databases.has(req.db)) return fail(Code.databaseNotFound, `create table failed: database '${req.db}' does not exist`);
      const existing = this.findTable(req.db, req.name);
      if (existing) {
        return req.ifNotExists
          ? ok({ tid: existing.tid })
          : fail(Code.tableAlreadyExists, `create table failed: table '${req.db}.${req.name}' already exists`);
      }
      const healthy = this.registry.healthy();
      const standalone = this.options.standaloneTablet !== undefined;
      const partitionNum = standalone ? 1 : req.partitionNum && req.partitionNum > 0 ? req.partitionNum : this.options.partitionNumDefault;
      const replicaNum = standalone
        ? 1
        : req.replicaNum && req.replicaNum > 0
          ? req.replicaNum
          : Math.min(this.options.replicaNumDefault, healthy.length);
      if (healthy.length === 0) return fail(Code.tabletIsNotHealthy, 'create table failed: no healthy tablet');
      const placed = placePartitions(this.tabletLoads(healthy), partitionNum, replicaNum, this.deps.rng);
      if (!placed.ok) return fail(placed.code, `create table ${req.db}.${req.name} failed: ${placed.message}`);
      const tid = await this.store.allocateTableId();
      const term = await this.store.readCounter(this.paths.term);
      const partitions: TablePartition[] = placed.value.map((p) => ({ ...p, termOffsets: [{ term, offset: 0 }] }));
      const table: TableInfo = {
        formatVersion: TABLE_INFO_FORMAT_VERSION,
        tid,
        db: req.db,
        name: req.name,
        partitionNum,
        replicaNum,
        schema: schema.value,
        partitions,
        storageMode: 'memory',
        replicationMode: req.replicationMode ?? 'async',
        compress: 'none',
        createdAtMs: this.deps.clock.nowMs(),
      };
      const created = await this.createOnTablets(table);
      if (!created.ok) return created;
      await this.store.putTable(table, true);
      this.tables.set(tid, table);
      await this.bumpNotify();
      this.deps.logger.info('table created', { db: req.db, name: req.name, tid, partitionNum, replicaNum });
      return ok({ tid });
    });
  }

  /**
   * Followers first, then leaders (which start replicating to them); the replicas of one pass are
   * created in parallel. On a failure, every replica created is dropped again.
   */
  private async createOnTablets(table: TableInfo): Promise<Result<void>> {
    const done: { endpoint: string; pid: number }[] = [];
    for (const leaderPass of [false, true]) {
      const steps: { endpoint: string; meta: PartitionMetaMsg }[] = [];
      for (const p of table.partitions) {
        const followers = p.replicas.filter((r) => !r.isLeader).map((r) => r.endpoint);
        for (const r of p.replicas) {
          if (r.isLeader !== leaderPass) continue;
          steps.push({ endpoint: r.endpoint, meta: this.partitionMeta(table, p, r.isLeader ? 'leader' : 'follower', r.isLeader ? followers : []) });
        }
      }
      const results = await Promise.all(
        steps.map((step) =>
          callTablet(this.deps.tabletClient(step.endpoint), 'CreateTable', { meta: step.meta }, { timeoutMs: this.options.tabletCallTimeoutMs }),
        ),
      );
      let failed: { step: { endpoint: string }; message: string; code: number } | undefined;
      results.forEach((r, i) => {
        const step = steps[i]!;
        if (r.ok) done.push({ endpoint: step.endpoint, pid: step.meta.pid });
        else failed ??= { step, message: r.message, code: r.code };
      });
      if (failed !== undefined) {
        await Promise.all(done.map((d) => callTablet(this.deps.tabletClient(d.endpoint), 'DropTable', { tid: table.tid, pid: d.pid })));
        return fail(failed.code, `create table ${table.db}.${table.name} failed on tablet ${failed.step.endpoint}: ${failed.message}`);
      }
    }
    return okVoid;
  }

  private tabletLoads(endpoints: readonly string[]) {
    const loads = new Map(endpoints.map((e) => [e, { endpoint: e, replicas: 0, leaders: 0 }]));
    for (const t of this.tables.values()) {
      for (const p of t.partitions) {
        for (const r of p.replicas) {
          const l = loads.get(r.endpoint);
          if (!l || !r.isAlive) continue;
          l.replicas++;
          if (r.isLeader) l.leaders++;
        }
      }
    }
    return [...loads.values()];
  }

  async dropTable(req: Req<'DropTable'>): Promise<Result<void>> {
    return this.ddl.run(async () => {
      const table = this.findTable(req.db, req.name);
      if (!table) {
        return req.ifExists ? okVoid : fail(Code.tableNotFound, `drop table failed: table '${req.db}.${req.name}' does not exist`);
      }
      const users = await this.deployments.usingTable(req.db, req.name);
      if (users.length > 0) {
        return fail(
          Code.invalidParameter,
          `drop table failed: table '${req.db}.${req.name}' is used by deployment ${users.map((d) => `${d.db}.${d.name}`).join(', ')}; drop the deployment first`,
        );
      }
      await this.store.deleteTable(table.tid);
      this.tables.delete(table.tid);
      await this.bumpNotify();
      for (const p of table.partitions) {
        for (const r of p.replicas) {
          if (!this.registry.isHealthy(r.endpoint)) continue;
          const dropped = await callTablet(this.deps.tabletClient(r.endpoint), 'DropTable', { tid: table.tid, pid: p.pid });
          if (!dropped.ok && dropped.code !== Code.tableNotFound) {
            this.deps.logger.warn('dropping a replica failed', { tid: table.tid, pid: p.pid, endpoint: r.endpoint, error: dropped.message });
          }
        }
      }
      return okVoid;
    });
  }

  showTable(db?: string, name?: string): TableInfo[] {
    return [...this.tables.values()]
      .filter((t) => (db === undefined || t.db === db) && (name === undefined || t.name === name))
      .sort((a, b) => a.tid - b.tid);
  }

  async confSet(key: string, value: string): Promise<Result<void>> {
    if (key.toLowerCase() !== 'auto_failover') return fail(Code.invalidParameter, `unsupported conf key '${key}' (only auto_failover)`);
    const v = value.toLowerCase();
    if (v !== 'true' && v !== 'false') return fail(Code.invalidParameter, `auto_failover must be true or false, got '${value}'`);
    if (this.options.standaloneTablet) return fail(Code.invalidParameter, 'auto_failover has no meaning in standalone mode');
    await this.store.writeAutoFailover(v === 'true');
    this.autoFailover = v === 'true';
    return okVoid;
  }

  get autoFailoverEnabled(): boolean {
    return this.autoFailover;
  }

  // ---- OpHost: what the op engine's shell needs --------------------------------------------------

  view(): ClusterView {
    const tablets = new Map(this.registry.list().map((t) => [t.endpoint, { state: t.state, changedAtMs: t.changedAtMs }]));
    const replicaStatus = new Map<string, ReplicaStatusView>();
    for (const t of this.tables.values()) {
      for (const p of t.partitions) {
        for (const r of p.replicas) {
          const key = `${t.tid}_${p.pid}_${r.endpoint}`;
          const st = this.replicaStatus.get(key);
          if (st) replicaStatus.set(key, { offset: st.offset, tabletHasPartition: true });
          else if (this.statusAnswered.has(r.endpoint)) replicaStatus.set(key, { offset: 0, tabletHasPartition: false });
        }
      }
    }
    return { tables: this.tables, tablets, replicaStatus, autoFailover: this.autoFailover };
  }

  table(tid: number): TableInfo | undefined {
    return this.tables.get(tid);
  }

  applyEdits(tid: number, edits: readonly MetaEdit[]): Promise<Result<void>> {
    return this.ddl.run(async () => {
      const table = this.tables.get(tid);
      if (!table) return fail(Code.tableNotFound, `table ${tid} does not exist`);
      const next = applyMetaEdits(table, edits);
      if (!next.ok) return next;
      await this.store.putTable(next.value, false);
      this.tables.set(tid, next.value);
      await this.bumpNotify();
      return okVoid;
    });
  }

  applySchemaTtl(tid: number, indexes: readonly string[], ttl: Ttl): Promise<Result<void>> {
    return this.ddl.run(async () => {
      const table = this.tables.get(tid);
      if (!table) return fail(Code.tableNotFound, `table ${tid} does not exist`);
      const next: TableInfo = {
        ...table,
        schema: {
          ...table.schema,
          indexes: table.schema.indexes.map((i) => (isLiveIndex(i) && indexes.includes(i.name) ? { ...i, ttl } : i)),
        },
      };
      await this.store.putTable(next, false);
      this.tables.set(tid, next);
      return okVoid;
    });
  }

  bumpTerm(by: number): Promise<number> {
    return this.store.increment(this.paths.term, by);
  }

  async allocateOpIds(count: number): Promise<number[]> {
    const last = await this.store.increment(this.paths.opIndex, count);
    return Array.from({ length: count }, (_, i) => last - count + 1 + i);
  }

  tabletClient(endpoint: string): RpcClient {
    return this.deps.tabletClient(endpoint);
  }

  partitionMetaFor(table: TableInfo, pid: number, mode: 'leader' | 'follower', endpoint: string): PartitionMetaMsg {
    const partition = table.partitions.find((p) => p.pid === pid)!;
    const followers = mode === 'leader' ? partition.replicas.filter((r) => r.endpoint !== endpoint && r.isAlive).map((r) => r.endpoint) : [];
    return this.partitionMeta(table, partition, mode, followers);
  }

  isLeaderNow(): boolean {
    return this.isLeader;
  }

  handlers(): Record<string, MethodHandler> {
    const leaderOnly =
      (handler: MethodHandler): MethodHandler =>
      (body, context) =>
        this.isLeader ? handler(body, context) : this.notLeader();
    return {
      ...(this.ops ? this.ops.handlers(leaderOnly) : {}),
      CreateDatabase: leaderOnly(async (body) => {
        const r = parse(dbRequest, 'CreateDatabase', body);
        if (!r.ok) return r;
        const done = await this.createDatabase(r.value);
        return done.ok ? ok({}) : done;
      }),
      DropDatabase: leaderOnly(async (body) => {
        const r = parse(dbRequest, 'DropDatabase', body);
        if (!r.ok) return r;
        const done = await this.dropDatabase(r.value);
        return done.ok ? ok({}) : done;
      }),
      ShowDatabases: leaderOnly(() => ok({ names: [...this.databases].sort() })),
      CreateTable: leaderOnly(async (body) => {
        const r = parse(createTableRequest, 'CreateTable', body);
        if (!r.ok) return r;
        return this.createTable(r.value);
      }),
      DropTable: leaderOnly(async (body) => {
        const r = parse(tableRef, 'DropTable', body);
        if (!r.ok) return r;
        const done = await this.dropTable(r.value);
        return done.ok ? ok({}) : done;
      }),
      ShowTable: leaderOnly((body) => {
        const r = parse(showTableRequest, 'ShowTable', body);
        if (!r.ok) return r;
        return ok({ tables: this.showTable(r.value.db, r.value.name) });
      }),
      ShowTablet: leaderOnly(() =>
        ok({
          tablets: this.registry.list().map((t) => ({
            endpoint: t.endpoint,
            state: t.state,
            ageMs: this.deps.clock.nowMs() - t.changedAtMs,
            version: t.version,
          })),
        }),
      ),
      ShowNameServer: async () => {
        const endpoints = this.options.standaloneTablet
          ? [this.options.endpoint]
          : await listNameServers(this.deps.coord, this.paths.leader);
        const versions = await readNameServerVersions(this.deps.coord, this.options.zkRootPath);
        return ok({
          nameservers: endpoints.map((endpoint, i) => ({
            endpoint,
            role: i === 0 ? ('leader' as const) : ('standby' as const),
            version: endpoint === this.options.endpoint ? this.version : (versions.get(endpoint) ?? ''),
          })),
        });
      },
      GetClusterVersion: () => ok({ version: this.clusterVersion.current ?? '' }),
      ShowVersion: leaderOnly(async () => {
        const clusterVersion = (await readClusterVersion(this.deps.coord, this.options.zkRootPath)) ?? '';
        return ok({ clusterVersion, nodes: await this.nodeVersions() });
      }),
      FinalizeUpgrade: leaderOnly(async (body) => {
        const r = parse(object({ version: optional(str) }), 'FinalizeUpgrade', body);
        if (!r.ok) return r;
        return this.finalizeUpgrade(r.value.version === '' ? undefined : r.value.version);
      }),
      GetMetaVersion: leaderOnly(() => ok({ version: this.metaVersion })),
      ShowTableStatus: leaderOnly((body) => {
        const r = parse(showTableRequest, 'ShowTableStatus', body);
        if (!r.ok) return r;
        const rows = [];
        for (const t of this.showTable(r.value.db, r.value.name)) {
          for (const p of t.partitions) {
            for (const rep of p.replicas) {
              const st = this.replicaStatusOf(t.tid, p.pid, rep.endpoint);
              rows.push({
                db: t.db,
                name: t.name,
                tid: t.tid,
                pid: p.pid,
                endpoint: rep.endpoint,
                isLeader: rep.isLeader,
                isAlive: rep.isAlive,
                ...(st ? { offset: st.offset, recordCnt: st.recordCnt, memBytes: st.memBytes, diskBytes: st.diskBytes } : {}),
              });
            }
          }
        }
        return ok({ replicas: rows });
      }),
      ConfSet: leaderOnly(async (body) => {
        const r = parse(object({ key: str, value: str }), 'ConfSet', body);
        if (!r.ok) return r;
        const done = await this.confSet(r.value.key, r.value.value);
        return done.ok ? ok({}) : done;
      }),
      ConfGet: leaderOnly(() => ok({ entries: [{ key: 'auto_failover', value: String(this.autoFailover) }] })),
      ...sqlMetadataHandlers(this.sql, leaderOnly),
    };
  }
}

