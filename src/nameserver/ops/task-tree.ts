/**
 * The in-memory task list of an op: leaves, and groups whose children run in parallel ('sub') or
 * one after another ('seq'), with the reference's roll-up rules (cluster.md §5.5): a group is
 * Failed/Canceled as soon as any child is, Done when every child is Done (an empty group is Done),
 * Doing once any child has started, else Inited.
 */
import { assert } from '../../base/assert.js';
import type { TaskStatusName, TaskTypeName } from './enums.js';
import type { TaskDef } from './task-defs.js';

export interface LeafTask {
  readonly kind: 'leaf';
  /** Unique within the op; numbered in build order. */
  readonly taskId: number;
  readonly def: TaskDef;
  status: TaskStatusName;
  /** Tablet tasks: polls in a row that did not find this task on its tablet. */
  pollMisses: number;
  /** Restored as Doing by a new leader: the first poll that misses it fails it. */
  recovered: boolean;
}

export interface GroupTask {
  readonly kind: 'group';
  readonly type: TaskTypeName;
  readonly mode: 'sub' | 'seq';
  readonly children: readonly TaskNode[];
}

export type TaskNode = LeafTask | GroupTask;

export function leaf(taskId: number, def: TaskDef): LeafTask {
  return { kind: 'leaf', taskId, def, status: 'kInited', pollMisses: 0, recovered: false };
}

export function nodeType(node: TaskNode): TaskTypeName {
  return node.kind === 'leaf' ? node.def.type : node.type;
}

export function rollUp(node: TaskNode): TaskStatusName {
  if (node.kind === 'leaf') return node.status;
  const statuses = node.children.map(rollUp);
  if (statuses.includes('kFailed')) return 'kFailed';
  if (statuses.includes('kCanceled')) return 'kCanceled';
  if (statuses.every((s) => s === 'kDone')) return 'kDone';
  if (statuses.some((s) => s === 'kDoing' || s === 'kDone')) return 'kDoing';
  return 'kInited';
}

/** Leaves that may start now: every Inited leaf of a sub group, the next one of a seq group. */
export function startable(node: TaskNode): LeafTask[] {
  const status = rollUp(node);
  if (status !== 'kInited' && status !== 'kDoing') return [];
  if (node.kind === 'leaf') return node.status === 'kInited' ? [node] : [];
  if (node.mode === 'sub') return node.children.flatMap(startable);
  const next = node.children.find((c) => rollUp(c) !== 'kDone');
  return next ? startable(next) : [];
}

export function leaves(node: TaskNode): LeafTask[] {
  return node.kind === 'leaf' ? [node] : node.children.flatMap(leaves);
}

/** Leaves currently running. */
export function doingLeaves(node: TaskNode): LeafTask[] {
  return leaves(node).filter((l) => l.status === 'kDoing');
}

export function findLeaf(nodes: readonly TaskNode[], taskId: number): LeafTask | undefined {
  for (const n of nodes) {
    const found = leaves(n).find((l) => l.taskId === taskId);
    if (found) return found;
  }
  return undefined;
}

/** Sets every unfinished leaf to `status` (cancel; recovery). */
export function setUnfinished(node: TaskNode, status: TaskStatusName): void {
  for (const l of leaves(node)) {
    if (l.status === 'kInited' || l.status === 'kDoing') l.status = status;
  }
}

/** A leaf may only move forward: Inited → Doing → finished. */
export function setLeafStatus(l: LeafTask, status: TaskStatusName): void {
  assert(
    !(l.status === 'kDone' || l.status === 'kFailed' || l.status === 'kCanceled') || l.status === status,
    `task ${l.taskId} (${l.def.type}) is ${l.status}; it cannot become ${status}`,
  );
  l.status = status;
}
