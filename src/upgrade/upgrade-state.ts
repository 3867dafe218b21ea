/**
 * The upgrade's state file: the plan as it was made, and per node which steps are done, so that an
 * interrupted run resumes where it stopped (`--resume`) and never redoes a step whose effect must
 * not be repeated (a second backup would copy the new bin over the saved old one). Written after
 * every step; a step that was running when the run stopped is done again (every step is safe to repeat).
 */
import { assert } from '../base/assert.js';
import { Code, fail, ok, type Result } from '../base/status.js';
import type { StatRecord } from './stat-records.js';
import type { PlannedNode, StepName, UpgradePlan } from './upgrade-plan.js';

export const UPGRADE_STATE_FORMAT_VERSION = 1;

export type NodeStatus = 'pending' | 'running' | 'done' | 'rolledBack';

export interface NodeState {
  readonly id: string;
  status: NodeStatus;
  stepsDone: StepName[];
  /** pre-upgrade records of this node (partitions whose leaders were moved off it). */
  records: StatRecord[];
  error?: string;
}

export interface UpgradeState {
  readonly formatVersion: number;
  readonly plan: UpgradePlan;
  /** auto_failover before the run turned it off; null until read. */
  autoFailoverBefore: boolean | null;
  /** Ops with a larger id were created during the upgrade. */
  opIdBaseline: number;
  phase: 'running' | 'failed' | 'finished';
  readonly nodes: NodeState[];
  finalized?: string;
}

export function newUpgradeState(plan: UpgradePlan): UpgradeState {
  return {
    formatVersion: UPGRADE_STATE_FORMAT_VERSION,
    plan,
    autoFailoverBefore: null,
    opIdBaseline: 0,
    phase: 'running',
    nodes: plan.nodes.map((n) => ({ id: n.id, status: 'pending', stepsDone: [], records: [] })),
  };
}

export function encodeUpgradeState(s: UpgradeState): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

export function decodeUpgradeState(text: string, fileName: string): Result<UpgradeState> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return fail(Code.invalidParameter, `state file ${fileName} is not JSON: ${(err as Error).message}`);
  }
  const s = v as Partial<UpgradeState>;
  if (s.formatVersion !== UPGRADE_STATE_FORMAT_VERSION) {
    return fail(Code.invalidParameter, `state file ${fileName} has format version ${String(s.formatVersion)}, this build reads ${UPGRADE_STATE_FORMAT_VERSION}`);
  }
  if (!s.plan || !Array.isArray(s.plan.nodes) || !Array.isArray(s.nodes) || s.nodes.length !== s.plan.nodes.length) {
    return fail(Code.invalidParameter, `state file ${fileName} is incomplete (no plan or node list)`);
  }
  for (let i = 0; i < s.nodes.length; i++) {
    if (s.nodes[i]!.id !== s.plan.nodes[i]!.id) return fail(Code.invalidParameter, `state file ${fileName}: node ${i} does not match its plan`);
  }
  return ok(s as UpgradeState);
}

/** A resume must be for the same target release and the same nodes. */
export function checkResume(s: UpgradeState, toDir: string, nodeIds: readonly string[]): Result<void> {
  if (s.plan.toDir !== toDir) return fail(Code.invalidParameter, `the saved upgrade goes to ${s.plan.toDir}, not ${toDir}`);
  const saved = [...s.plan.nodes.map((n) => n.id)].sort();
  const now = [...nodeIds].sort();
  if (saved.join('\n') !== now.join('\n')) {
    return fail(Code.invalidParameter, `the hosts file lists other nodes than the saved upgrade (saved: ${saved.join(', ')})`);
  }
  if (s.phase === 'finished') return fail(Code.invalidParameter, 'the saved upgrade has finished; nothing to resume');
  return ok(undefined);
}

export function nodeState(s: UpgradeState, node: PlannedNode): NodeState {
  const n = s.nodes.find((x) => x.id === node.id);
  assert(n !== undefined, `state has no node ${node.id}`);
  return n;
}

export function summarizeState(s: UpgradeState): string {
  const count = (st: NodeStatus) => s.nodes.filter((n) => n.status === st).length;
  return `${count('done')} done, ${count('running')} in progress, ${count('rolledBack')} rolled back, ${count('pending')} pending`;
}
