/**
 * A test double of a cluster and its release directories for the upgrade runner's tests: admin
 * commands take effect at once (no op queue), start/stop flip a node's process, and a flag file
 * holding `--bad_flag` makes a start fail as the real program refuses an unknown flag.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { ReplicaStatusRow, TabletInfoMsg } from '../protocol/messages.js';
import type { PartitionReplica, TableInfo } from '../protocol/schema.js';
import type { AdminApi, NameServerRow } from './admin-api.js';
import type { NodeIo } from './node-io.js';
import type { Pacer } from './pacer.js';
import type { NodeFacts, PlannedNode } from './upgrade-plan.js';

interface FakeNode {
  facts: NodeFacts;
  installed: string;
  conf: string;
  running: boolean;
  backup?: { installed: string; conf: string };
  backups: number;
}

type MutableReplica = { -readonly [K in keyof PartitionReplica]: PartitionReplica[K] };

export class FakeCluster implements AdminApi, NodeIo {
  readonly nodes = new Map<string, FakeNode>();
  /** db.name → pid → replicas. */
  readonly partitions = new Map<string, MutableReplica[][]>();
  autoFailoverOn = true;
  finalizedTo: string | undefined;
  readonly log: string[] = [];
  private readonly releases = new Map<string, { version: string; templates: Record<string, string> }>();

  addRelease(dir: string, version: string, templates: Record<string, string>): void {
    this.releases.set(dir, { version, templates });
  }

  addNode(facts: NodeFacts, conf: string): void {
    this.nodes.set(facts.dir, { facts, installed: facts.version, conf, running: true, backups: 0 });
  }

  addTable(name: string, layout: readonly (readonly string[])[]): void {
    // layout[pid] = endpoints, the first is the leader
    this.partitions.set(
      name,
      layout.map((eps) => eps.map((endpoint, i) => ({ endpoint, isLeader: i === 0, isAlive: true }))),
    );
  }

  leaderOf(table: string, pid: number): string | undefined {
    return this.partitions.get(table)?.[pid]?.find((r) => r.isLeader && r.isAlive)?.endpoint;
  }

  node(dir: string): FakeNode {
    const n = this.nodes.get(dir);
    if (!n) throw new Error(`no node ${dir}`);
    return n;
  }

  private byEndpoint(endpoint: string): FakeNode | undefined {
    return [...this.nodes.values()].find((n) => n.facts.endpoint === endpoint);
  }

  // ---- AdminApi --------------------------------------------------------------------------------

  async tables(): Promise<Result<TableInfo[]>> {
    return ok(
      [...this.partitions.entries()].map(([key, parts], i) => ({
        formatVersion: 1,
        tid: i + 1,
        db: 'd',
        name: key,
        partitionNum: parts.length,
        replicaNum: parts[0]!.length,
        schema: { columns: [], indexes: [] },
        partitions: parts.map((replicas, pid) => ({ pid, replicas: replicas.map((r) => ({ ...r })), termOffsets: [{ term: 1, offset: 0 }] })),
        storageMode: 'memory' as const,
        replicationMode: 'async' as const,
        compress: 'none' as const,
        createdAtMs: 0,
      })),
    );
  }

  async replicaStatus(): Promise<Result<ReplicaStatusRow[]>> {
    const t = await this.tables();
    if (!t.ok) return t;
    return ok(
      t.value.flatMap((table) =>
        table.partitions.flatMap((p) =>
          p.replicas.map((r) => ({ db: 'd', name: table.name, tid: table.tid, pid: p.pid, endpoint: r.endpoint, isLeader: r.isLeader, isAlive: r.isAlive, offset: 5 })),
        ),
      ),
    );
  }

  async tablets(): Promise<Result<TabletInfoMsg[]>> {
    return ok(
      [...this.nodes.values()]
        .filter((n) => n.facts.role === 'tablet')
        .map((n) => ({ endpoint: n.facts.endpoint, state: n.running ? ('kHealthy' as const) : ('kOffline' as const), ageMs: 0, version: n.installed })),
    );
  }

  async nameservers(): Promise<Result<NameServerRow[]>> {
    const up = [...this.nodes.values()].filter((n) => n.facts.role === 'nameserver' && n.running);
    return ok(up.map((n, i) => ({ endpoint: n.facts.endpoint, role: i === 0 ? ('leader' as const) : ('standby' as const), version: n.installed })));
  }

  async nameserverVersion(endpoint: string): Promise<Result<string>> {
    const n = this.byEndpoint(endpoint);
    return n?.running ? ok(n.installed) : fail(Code.rpcConnectionLost, `${endpoint} is down`);
  }

  async ops() {
    return ok([]);
  }

  async autoFailover() {
    return ok(this.autoFailoverOn);
  }

  async setAutoFailover(on: boolean): Promise<Result<void>> {
    this.autoFailoverOn = on;
    return okVoid;
  }

  async command(method: string, request: unknown): Promise<Result<{ opCount: number }>> {
    const req = request as { name: string; pid: number; pids?: number[]; endpoint: string; candidate?: string; isAlive?: boolean };
    this.log.push(`${method} ${req.name ?? ''} ${req.pid ?? req.pids ?? ''} ${req.endpoint ?? req.candidate ?? ''}`.replace(/\s+/g, ' ').trim());
    if (this.autoFailoverOn && ['ChangeLeader', 'RecoverTable', 'OfflineEndpoint', 'RecoverEndpoint'].includes(method)) {
      return fail(Code.autoFailoverIsEnabled, `${method} refused: auto_failover is enabled`);
    }
    const part = (pid: number) => this.partitions.get(req.name)?.[pid];
    switch (method) {
      case 'ChangeLeader': {
        const p = part(req.pid)!;
        const old = p.find((r) => r.isLeader && r.isAlive);
        const next = req.candidate && req.candidate !== 'auto' ? p.find((r) => r.endpoint === req.candidate) : p.find((r) => !r.isLeader && r.isAlive);
        if (!next?.isAlive) return fail(Code.noAliveFollower, 'no alive follower');
        if (old) old.isAlive = false;
        next.isLeader = true;
        return ok({ opCount: 1 });
      }
      case 'RecoverTable': {
        const r = part(req.pid)!.find((x) => x.endpoint === req.endpoint)!;
        if (!this.byEndpoint(req.endpoint)?.running) return fail(Code.tabletIsNotHealthy, 'not healthy');
        if (r.isAlive) return fail(Code.partitionIsAlive, 'alive');
        r.isLeader = false;
        r.isAlive = true;
        return ok({ opCount: 1 });
      }
      case 'AddReplica':
        for (const pid of req.pids!) part(pid)!.push({ endpoint: req.endpoint, isLeader: false, isAlive: true });
        return ok({ opCount: req.pids!.length });
      case 'DelReplica':
        for (const pid of req.pids!) {
          const p = part(pid)!;
          p.splice(p.findIndex((x) => x.endpoint === req.endpoint), 1);
        }
        return ok({ opCount: req.pids!.length });
      case 'OfflineEndpoint':
      case 'RecoverEndpoint': {
        const alive = method === 'RecoverEndpoint';
        if (alive && !this.byEndpoint(req.endpoint)?.running) return fail(Code.tabletIsNotHealthy, `${req.endpoint} is not healthy`);
        for (const parts of this.partitions.values()) {
          for (const p of parts) {
            const r = p.find((x) => x.endpoint === req.endpoint);
            if (!r) continue;
            r.isAlive = alive;
            if (alive && p.length > 1 && p.some((x) => x !== r && x.isLeader && x.isAlive)) r.isLeader = false;
          }
        }
        return ok({ opCount: 1 });
      }
      default:
        return fail(Code.rpcUnknownMethod, `unknown method '${method}'`);
    }
  }

  async tabletPartitions() {
    return ok([]);
  }

  async loadTable(): Promise<Result<void>> {
    return okVoid;
  }

  async finalizeUpgrade() {
    const versions = new Set([...this.nodes.values()].map((n) => n.installed));
    if (versions.size !== 1) return fail(Code.invalidParameter, `nodes run ${[...versions].join(', ')}`);
    const previous = this.finalizedTo ?? 'old';
    this.finalizedTo = [...versions][0]!;
    return ok({ clusterVersion: this.finalizedTo, previous });
  }

  // ---- NodeIo ----------------------------------------------------------------------------------

  async stop(node: PlannedNode): Promise<Result<string>> {
    this.node(node.dir).running = false;
    return ok(`Stop ${node.component} success`);
  }

  async start(node: PlannedNode): Promise<Result<string>> {
    const n = this.node(node.dir);
    if (n.conf.includes('--bad_flag')) return fail(Code.cmdError, `Start ${node.component} failed: conf/${node.component}.flags:9: unknown flag --bad_flag`);
    n.running = true;
    return ok(`Start ${node.component} success`);
  }

  async backup(node: PlannedNode): Promise<Result<string>> {
    const n = this.node(node.dir);
    n.backup = { installed: n.installed, conf: n.conf };
    n.backups++;
    return ok(`${node.dir}/upgrade_backup`);
  }

  async restore(node: PlannedNode): Promise<Result<void>> {
    const n = this.node(node.dir);
    if (!n.backup) return fail(Code.ioError, 'no backup');
    n.installed = n.backup.installed;
    n.conf = n.backup.conf;
    return okVoid;
  }

  async installBin(node: PlannedNode, toDir: string): Promise<Result<void>> {
    this.node(node.dir).installed = this.releases.get(toDir)!.version;
    return okVoid;
  }

  async readBackupConf(node: PlannedNode): Promise<Result<string>> {
    const b = this.node(node.dir).backup;
    return b ? ok(b.conf) : fail(Code.ioError, 'no backup');
  }

  async readTemplate(node: PlannedNode, toDir: string): Promise<Result<string>> {
    return ok(this.releases.get(toDir)!.templates[node.role] ?? '');
  }

  async installConf(node: PlannedNode, _toDir: string, text: string): Promise<Result<void>> {
    this.node(node.dir).conf = text;
    return okVoid;
  }

  async probe(endpoint: string): Promise<boolean> {
    return this.byEndpoint(endpoint)?.running ?? false;
  }
}

/** Fake time: sleeping advances the clock; `interruptWhen` can ask for a stop. */
export class FakePacer implements Pacer {
  private now = 0;
  stop = false;

  nowMs(): number {
    return this.now;
  }

  async sleep(ms: number): Promise<void> {
    this.now += ms;
  }

  interrupted(): boolean {
    return this.stop;
  }
}
