/**
 * The one-command rolling upgrade: runs a plan node by node, step by step (upgrade-plan.ts),
 * saving the state after every step. A failing step stops the run and rolls the current node
 * back to its old bin/ and conf/ (and its leaders back onto it); an interrupt stops the run
 * between steps with the state saved, for `--resume`. auto_failover is off while the run
 * goes (as the ops tool does) and restored at the end; the cluster version is finalized once
 * every node runs the new version.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { AdminApi } from './admin-api.js';
import { summarizeProblems } from './cluster-health.js';
import { formatConfDiff, isEmptyDiff } from './conf-diff.js';
import { mergeNodeConf } from './conf-merge.js';
import type { NodeIo } from './node-io.js';
import type { OpsContext } from './op-batch.js';
import { postUpgrade, preUpgrade } from './ops-tool.js';
import { interruptedFailure, isInterrupted, type Pacer, pollDone, pollFailed, pollWait, waitUntil } from './pacer.js';
import { mergeStatRecords } from './stat-records.js';
import { STEP_HELP, type PlannedNode, type StepName } from './upgrade-plan.js';
import { encodeUpgradeState, type NodeState, nodeState, type UpgradeState } from './upgrade-state.js';
import { checkHealth, maxOpId, waitHealthy } from './wait-healthy.js';

export interface UpgradeOptions {
  readonly allowSingleReplica: boolean;
  /** Longest wait for one batch of ops, a node to register, or the cluster to catch up. */
  readonly waitTimeoutMs: number;
  readonly pollMs: number;
  readonly catchUpWindowMs: number;
}

export interface UpgradeDeps {
  readonly io: NodeIo;
  readonly admin: AdminApi;
  readonly pacer: Pacer;
  /** One line of the progress display. */
  readonly progress: (line: string) => void;
  readonly saveState: (text: string) => Promise<Result<void>>;
  readonly options: UpgradeOptions;
}

const RUNNING_OPS = new Set(['kInited', 'kDoing']);

export class UpgradeRunner {
  private readonly startedMs: number;
  private current = '';

  constructor(
    private readonly deps: UpgradeDeps,
    private readonly state: UpgradeState,
  ) {
    this.startedMs = deps.pacer.nowMs();
  }

  private say(line: string): void {
    const s = ((this.deps.pacer.nowMs() - this.startedMs) / 1000).toFixed(1);
    this.deps.progress(`[+${s}s] ${this.current}${line}`);
  }

  private ops(): OpsContext {
    return {
      admin: this.deps.admin,
      pacer: this.deps.pacer,
      log: (l) => this.say(`  ${l}`),
      opTimeoutMs: this.deps.options.waitTimeoutMs,
      pollMs: this.deps.options.pollMs,
    };
  }

  private async save(): Promise<Result<void>> {
    const r = await this.deps.saveState(encodeUpgradeState(this.state));
    return r.ok ? r : fail(r.code, `cannot save the upgrade state: ${r.message}`);
  }

  /** Runs (or resumes) the upgrade. A failure's message says what failed and what was rolled back. */
  async run(): Promise<Result<void>> {
    const s = this.state;
    const nodes = s.plan.nodes;
    const fresh = s.nodes.every((n) => n.status === 'pending');
    s.phase = 'running';
    for (const n of s.nodes) {
      if (n.status === 'rolledBack') {
        n.status = 'pending';
        n.stepsDone = [];
      }
    }
    this.say(`upgrading ${nodes.length} node(s) to ${s.plan.toVersion}${fresh ? '' : ' (resumed)'}`);
    if (s.autoFailoverBefore === null) {
      const af = await this.deps.admin.autoFailover();
      if (!af.ok) return fail(af.code, `cannot read auto_failover: ${af.message}`);
      if (af.value) {
        const off = await this.deps.admin.setAutoFailover(false);
        if (!off.ok) return fail(off.code, `cannot turn auto_failover off: ${off.message}`);
        this.say('auto_failover turned off for the upgrade (restored at the end)');
      }
      s.autoFailoverBefore = af.value;
      const base = await maxOpId(this.deps.admin);
      if (!base.ok) return fail(base.code, `cannot read the op list: ${base.message}`);
      s.opIdBaseline = base.value;
      const saved = await this.save();
      if (!saved.ok) return saved;
    }
    if (!s.nodes.some((n) => n.status === 'running')) {
      this.say('checking that the cluster is caught up before the first node');
      const h = await this.waitCaughtUp('cluster caught up before the upgrade');
      if (!h.ok) return this.stopRun(h, undefined);
    }
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const ns = nodeState(s, node);
      this.current = `[${i + 1}/${nodes.length} ${node.role} ${node.endpoint}] `;
      if (ns.status === 'done') {
        this.say('already upgraded');
        continue;
      }
      const r = await this.upgradeNode(node, ns);
      if (!r.ok) return this.stopRun(r, node);
    }
    this.current = '';
    return this.finish();
  }

  private async upgradeNode(node: PlannedNode, ns: NodeState): Promise<Result<void>> {
    ns.status = 'running';
    delete ns.error;
    const started = await this.save();
    if (!started.ok) return started;
    this.say(`${node.version} -> ${this.state.plan.toVersion} (${node.dir})`);
    for (let k = 0; k < node.steps.length; k++) {
      const step = node.steps[k]!;
      const label = `${k + 1}/${node.steps.length} ${step}`;
      if (ns.stepsDone.includes(step)) {
        this.say(`${label}: done before`);
        continue;
      }
      if (this.deps.pacer.interrupted()) return interruptedFailure();
      this.say(`${label}: ${STEP_HELP[step]}`);
      const t0 = this.deps.pacer.nowMs();
      const r = await this.runStep(step, node, ns);
      if (!r.ok) {
        if (isInterrupted(r)) return r;
        this.say(`${label} FAILED: ${r.message}`);
        ns.error = `${step}: ${r.message}`;
        const rolled = await this.rollback(node, ns, step);
        return fail(
          r.code,
          `${node.role} ${node.endpoint} failed at step '${step}': ${r.message}; ` +
            (rolled.ok ? `it was rolled back to ${node.version}` : `ROLLBACK FAILED: ${rolled.message}`),
        );
      }
      ns.stepsDone.push(step);
      const saved = await this.save();
      if (!saved.ok) return saved;
      this.say(`${label} ok (${((this.deps.pacer.nowMs() - t0) / 1000).toFixed(1)} s)`);
    }
    ns.status = 'done';
    const saved = await this.save();
    if (!saved.ok) return saved;
    this.say(`upgraded to ${this.state.plan.toVersion}`);
    return okVoid;
  }

  private async runStep(step: StepName, node: PlannedNode, ns: NodeState): Promise<Result<void>> {
    const { io, admin } = this.deps;
    const toDir = this.state.plan.toDir;
    switch (step) {
      case 'prepare': {
        const r = await preUpgrade(this.ops(), node.endpoint, {
          allowSingleReplica: this.deps.options.allowSingleReplica,
          saveRecords: async (recs) => {
            ns.records = mergeStatRecords(ns.records, recs);
            return this.save();
          },
        });
        return r.ok ? okVoid : r;
      }
      case 'offline':
        return this.endpointCommand('OfflineEndpoint', node.endpoint, false);
      case 'stop':
        return this.outputOf(await io.stop(node));
      case 'backup': {
        const r = await io.backup(node);
        if (!r.ok) return r;
        this.say(`  backup in ${r.value}`);
        return okVoid;
      }
      case 'swap':
        return io.installBin(node, toDir);
      case 'conf': {
        const [mine, template] = await Promise.all([io.readBackupConf(node), io.readTemplate(node, toDir)]);
        if (!mine.ok) return mine;
        if (!template.ok) return template;
        const merged = mergeNodeConf(mine.value, template.value);
        if (isEmptyDiff(merged.diff)) this.say('  conf: no difference between this node and the new template');
        else for (const l of formatConfDiff(merged.diff).split('\n')) this.say(`  conf-diff: ${l}`);
        if (merged.keptValues.length > 0) this.say(`  kept this node's value of: ${merged.keptValues.join(', ')}`);
        if (merged.carriedOver.length > 0) this.say(`  carried over (not in the new template): ${merged.carriedOver.join(', ')}`);
        return io.installConf(node, toDir, merged.text);
      }
      case 'start': {
        const r = await io.start(node);
        if (!r.ok) return r;
        this.outputOf(r);
        return this.waitRegistered(node);
      }
      case 'recover':
        return this.endpointCommand('RecoverEndpoint', node.endpoint, true);
      case 'catchup': {
        const r = await this.waitCaughtUp(`cluster caught up after ${node.endpoint}`);
        return r.ok ? okVoid : r;
      }
      case 'post': {
        const r = await postUpgrade(this.ops(), node.endpoint, ns.records);
        if (!r.ok) return r;
        const h = await this.waitCaughtUp(`cluster caught up after moving leaders back to ${node.endpoint}`);
        return h.ok ? okVoid : h;
      }
      case 'verify': {
        const v = await this.versionOf(node);
        if (!v.ok) return v;
        if (v.value !== this.state.plan.toVersion) {
          return fail(Code.internal, `${node.endpoint} runs version ${v.value}, expected ${this.state.plan.toVersion}`);
        }
        if (node.role === 'apiserver') return okVoid;
        const h = await checkHealth(admin, this.state.opIdBaseline);
        if (!h.ok) return h;
        if (!h.value.healthy) {
          const again = await this.waitCaughtUp(`cluster caught up (verify ${node.endpoint})`);
          if (!again.ok) return again;
        }
        this.say(`  runs ${v.value}; cluster caught up`);
        return okVoid;
      }
    }
  }

  private outputOf(r: Result<string>): Result<void> {
    if (!r.ok) return r;
    for (const l of r.value.split('\n').filter((x) => x.trim() !== '')) this.say(`  ${l.trim()}`);
    return okVoid;
  }

  private waitCaughtUp(what: string) {
    return waitHealthy(this.deps.admin, this.deps.pacer, what, {
      opIdBaseline: this.state.opIdBaseline,
      timeoutMs: this.deps.options.waitTimeoutMs,
      intervalMs: this.deps.options.pollMs,
      catchUpWindowMs: this.deps.options.catchUpWindowMs,
      report: (l) => this.say(`  ${l}`),
    });
  }

  /** offlineendpoint / recoverendpoint, then wait until its ops end and its replicas are (not) alive. */
  private async endpointCommand(method: 'OfflineEndpoint' | 'RecoverEndpoint', endpoint: string, alive: boolean): Promise<Result<void>> {
    const { admin, pacer } = this.deps;
    const base = await maxOpId(admin);
    if (!base.ok) return base;
    const tables = await admin.tables();
    if (!tables.ok) return tables;
    const holds = tables.value.some((t) => t.partitions.some((p) => p.replicas.some((r) => r.endpoint === endpoint)));
    if (!holds) {
      this.say(`  ${endpoint} holds no replica; nothing to do`);
      return okVoid;
    }
    const sent = await admin.command(method, { endpoint });
    if (!sent.ok) return fail(sent.code, `${method} ${endpoint}: ${sent.message}`);
    const r = await waitUntil(
      pacer,
      `${method} ${endpoint}`,
      { timeoutMs: this.deps.options.waitTimeoutMs, intervalMs: this.deps.options.pollMs, report: (l) => this.say(`  ${l}`), reportEveryMs: 10_000 },
      async () => {
        const [ops, now] = await Promise.all([admin.ops(), admin.tables()]);
        if (!ops.ok) return pollWait(`cannot read ops: ${ops.message}`);
        if (!now.ok) return pollWait(`cannot read tables: ${now.message}`);
        const failed = ops.value.find((o) => o.opId > base.value && o.status === 'kFailed');
        if (failed) return pollFailed(`op ${failed.opId} ${failed.opType} ${failed.db}.${failed.name} pid ${failed.pid} is kFailed`);
        const running = ops.value.filter((o) => RUNNING_OPS.has(o.status));
        if (running.length > 0) return pollWait(`${running.length} op(s) running, e.g. ${running[0]!.opId} ${running[0]!.opType} (${running[0]!.curTask})`);
        const wrong: string[] = [];
        for (const t of now.value) {
          for (const p of t.partitions) {
            const mine = p.replicas.find((x) => x.endpoint === endpoint);
            if (mine && mine.isAlive !== alive) wrong.push(`${t.db}.${t.name} pid ${p.pid}`);
          }
        }
        return wrong.length === 0 ? pollDone(undefined) : pollWait(`replicas on ${endpoint} still ${alive ? 'not alive' : 'alive'}: ${summarizeProblems(wrong)}`);
      },
    );
    return r.ok ? okVoid : r;
  }

  private async versionOf(node: PlannedNode): Promise<Result<string>> {
    const { admin, io } = this.deps;
    switch (node.role) {
      case 'tablet': {
        const t = await admin.tablets();
        if (!t.ok) return t;
        const me = t.value.find((x) => x.endpoint === node.endpoint);
        return me ? ok(me.version) : fail(Code.endpointIsNotExist, `tablet ${node.endpoint} is not registered`);
      }
      case 'nameserver':
        return admin.nameserverVersion(node.endpoint);
      case 'apiserver':
        return (await io.probe(node.endpoint)) ? ok(this.state.plan.toVersion) : fail(Code.unavailable, `${node.endpoint} does not answer /status`);
    }
  }

  /** After start.sh reports success: the node is registered (tablet healthy, nameserver answering). */
  private async waitRegistered(node: PlannedNode): Promise<Result<void>> {
    const { admin, io, pacer } = this.deps;
    const r = await waitUntil(
      pacer,
      `${node.role} ${node.endpoint} registered`,
      { timeoutMs: this.deps.options.waitTimeoutMs, intervalMs: this.deps.options.pollMs, report: (l) => this.say(`  ${l}`) },
      async () => {
        switch (node.role) {
          case 'tablet': {
            const t = await admin.tablets();
            if (!t.ok) return pollWait(t.message);
            const me = t.value.find((x) => x.endpoint === node.endpoint);
            return me?.state === 'kHealthy' ? pollDone(undefined) : pollWait(`tablet state ${me?.state ?? 'not registered'}`);
          }
          case 'nameserver': {
            const v = await admin.nameserverVersion(node.endpoint);
            if (!v.ok) return pollWait(v.message);
            const all = await admin.nameservers();
            if (!all.ok) return pollWait(all.message);
            return all.value.some((n) => n.role === 'leader') ? pollDone(undefined) : pollWait('no leader nameserver yet');
          }
          case 'apiserver':
            return (await io.probe(node.endpoint)) ? pollDone(undefined) : pollWait('no answer on /status');
        }
      },
    );
    return r.ok ? okVoid : r;
  }

  /**
   * Puts the node back as it was: its old bin/ and conf/ (if they were replaced), the process
   * running, its replicas recovered and its leaders moved back.
   */
  private async rollback(node: PlannedNode, ns: NodeState, failedStep: StepName): Promise<Result<void>> {
    const { io } = this.deps;
    const touched = (s: StepName) => ns.stepsDone.includes(s) || failedStep === s;
    this.say(`rolling back ${node.endpoint} to ${node.version}`);
    if (touched('swap') || touched('conf')) {
      const stopped = await io.stop(node);
      if (!stopped.ok) return fail(stopped.code, `stop before restoring: ${stopped.message}`);
      const restored = await io.restore(node);
      if (!restored.ok) return fail(restored.code, `restore of bin/ and conf/ from the backup: ${restored.message}`);
      this.say('  old bin/ and conf/ restored');
    }
    if (touched('stop')) {
      const started = await io.start(node);
      if (!started.ok) return fail(started.code, `start of the old version: ${started.message}`);
      const reg = await this.waitRegistered(node);
      if (!reg.ok) return reg;
      this.say(`  ${node.endpoint} running ${node.version} again`);
    }
    if (node.role === 'tablet') {
      if (touched('offline')) {
        const rec = await this.endpointCommand('RecoverEndpoint', node.endpoint, true);
        if (!rec.ok) return rec;
      }
      if (ns.records.length > 0) {
        const post = await postUpgrade(this.ops(), node.endpoint, ns.records);
        if (!post.ok) return post;
      }
    }
    const h = await this.waitCaughtUp(`cluster caught up after rolling back ${node.endpoint}`);
    if (!h.ok) return h;
    ns.status = 'rolledBack';
    ns.stepsDone = [];
    ns.records = [];
    this.say(`  rolled back; cluster caught up`);
    return okVoid;
  }

  /** Ends a run that did not finish: restores auto_failover unless it was an interrupt. */
  private async stopRun(r: Result<void> & { ok: false }, node: PlannedNode | undefined): Promise<Result<void>> {
    this.current = '';
    if (isInterrupted(r)) {
      await this.save();
      this.say(`interrupted${node ? ` during ${node.endpoint}` : ''}; state saved. Run again with --resume to continue.`);
      return r;
    }
    this.state.phase = 'failed';
    await this.restoreAutoFailover();
    // A resumed run reads auto_failover again (it was just restored) and turns it off again.
    this.state.autoFailoverBefore = null;
    await this.save();
    this.say(`upgrade stopped: ${r.message}`);
    return r;
  }

  private async restoreAutoFailover(): Promise<void> {
    if (this.state.autoFailoverBefore !== true) return;
    const on = await this.deps.admin.setAutoFailover(true);
    this.say(on.ok ? 'auto_failover turned back on' : `could not turn auto_failover back on: ${on.message} (run: confset auto_failover true)`);
  }

  private async finish(): Promise<Result<void>> {
    const fin = await this.deps.admin.finalizeUpgrade();
    if (!fin.ok) this.say(`cluster version not finalized: ${fin.message} (run finalizeupgrade once every node runs ${this.state.plan.toVersion})`);
    else if (fin.value === undefined) this.say('this cluster has no cluster version to finalize');
    else {
      this.state.finalized = fin.value.clusterVersion;
      this.say(`cluster version finalized: ${fin.value.previous} -> ${fin.value.clusterVersion}`);
    }
    await this.restoreAutoFailover();
    this.state.phase = 'finished';
    const saved = await this.save();
    if (!saved.ok) return saved;
    this.say(`upgrade finished: ${this.state.plan.nodes.length} node(s) run ${this.state.plan.toVersion}`);
    return okVoid;
  }
}
