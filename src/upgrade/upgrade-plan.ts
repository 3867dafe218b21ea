/**
 * The order and steps of a rolling upgrade (pure). Nameservers first, standbys before the leader
 * (so leadership moves once, to a node already upgraded), then tablets, then API servers, one node
 * at a time, in hosts-file order within a role.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { NodeRole } from './hosts-file.js';

export type StepName = 'prepare' | 'offline' | 'stop' | 'backup' | 'swap' | 'conf' | 'start' | 'recover' | 'catchup' | 'post' | 'verify';

/** What each step does, for the plan and the progress display. */
export const STEP_HELP: Readonly<Record<StepName, string>> = {
  prepare: 'pre-upgrade: move the leaders it holds to other replicas (temporary replicas for single-replica partitions)',
  offline: 'offlineendpoint: mark its replicas not alive so nothing waits for it',
  stop: 'sh bin/start.sh stop <component>',
  backup: 'copy bin/ and conf/ to upgrade_backup/',
  swap: "replace bin/ with the new release's bin/",
  conf: "new conf: the new template with this node's own settings kept (diff printed)",
  start: 'sh bin/start.sh start <component>, then wait until it is registered',
  recover: 'recoverendpoint: reload its replicas and catch them up',
  catchup: 'wait until all ops are kDone, every partition is alive and followers have the leader offsets',
  post: 'post-upgrade: move the leaders back and remove temporary replicas',
  verify: 'check that it runs the new version and the cluster is caught up',
};

const STEPS: Readonly<Record<NodeRole, readonly StepName[]>> = {
  nameserver: ['stop', 'backup', 'swap', 'conf', 'start', 'catchup', 'verify'],
  tablet: ['prepare', 'offline', 'stop', 'backup', 'swap', 'conf', 'start', 'recover', 'catchup', 'post', 'verify'],
  apiserver: ['stop', 'backup', 'swap', 'conf', 'start', 'verify'],
};

export interface NodeFacts {
  readonly component: string;
  readonly role: NodeRole;
  /** Absolute release directory of the node. */
  readonly dir: string;
  readonly endpoint: string;
  /** Software version installed there now (bin/VERSION). */
  readonly version: string;
}

export interface PlannedNode extends NodeFacts {
  /** `<component>@<dir>`: unique within a plan. */
  readonly id: string;
  readonly steps: readonly StepName[];
  /** Why it is at this position (e.g. 'nameserver standby'). */
  readonly note: string;
}

export interface UpgradePlan {
  readonly toDir: string;
  readonly toVersion: string;
  readonly nodes: readonly PlannedNode[];
}

export function nodeId(n: { component: string; dir: string }): string {
  return `${n.component}@${n.dir}`;
}

export function planUpgrade(input: {
  readonly toDir: string;
  readonly toVersion: string;
  readonly nodes: readonly NodeFacts[];
  /** Endpoint of the leader nameserver, when known. */
  readonly nameserverLeader: string | undefined;
}): Result<UpgradePlan> {
  const endpoints = new Map<string, string>();
  for (const n of input.nodes) {
    if (!n.endpoint) return fail(Code.invalidParameter, `${nodeId(n)}: its flag file sets no --endpoint`);
    const prior = endpoints.get(n.endpoint);
    if (prior) return fail(Code.invalidParameter, `${nodeId(n)} and ${prior} both use endpoint ${n.endpoint}`);
    endpoints.set(n.endpoint, nodeId(n));
  }
  const nameservers = input.nodes.filter((n) => n.role === 'nameserver');
  const standbys = nameservers.filter((n) => n.endpoint !== input.nameserverLeader);
  const leader = nameservers.filter((n) => n.endpoint === input.nameserverLeader);
  const leaderKnown = input.nameserverLeader !== undefined;
  const ordered: PlannedNode[] = [
    ...standbys.map((n) => planned(n, leaderKnown ? 'nameserver standby' : 'nameserver (leader unknown: hosts-file order)')),
    ...leader.map((n) => planned(n, 'nameserver leader (last: leadership moves once, to an upgraded standby)')),
    ...input.nodes.filter((n) => n.role === 'tablet').map((n) => planned(n, 'tablet')),
    ...input.nodes.filter((n) => n.role === 'apiserver').map((n) => planned(n, 'apiserver')),
  ];
  return ok({ toDir: input.toDir, toVersion: input.toVersion, nodes: ordered });
}

function planned(n: NodeFacts, note: string): PlannedNode {
  return { ...n, id: nodeId(n), steps: STEPS[n.role], note };
}

export function formatPlan(plan: UpgradePlan): string {
  const lines = [`upgrade plan: ${plan.nodes.length} node(s) to ${plan.toVersion} (${plan.toDir}), one at a time:`];
  plan.nodes.forEach((n, i) => {
    lines.push(`${i + 1}. ${n.role} ${n.endpoint}  ${n.dir}  ${n.version} -> ${plan.toVersion}  [${n.note}]`);
    lines.push(`   steps: ${n.steps.join(', ')}`);
  });
  return lines.join('\n');
}
