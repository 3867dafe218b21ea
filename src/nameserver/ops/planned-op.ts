/**
 * An op that a command or a failover decision wants created: its spec, its target partition and
 * the concurrency that picks its queue. The engine turns it into an OpInfo once it has an op id.
 */
import type { OpSpec, OpTarget } from './op-info.js';

export interface PlannedOp {
  readonly spec: OpSpec;
  readonly target: OpTarget;
  /** Queue choice: pid % concurrency (1 = all such ops run one after another). */
  readonly concurrency: number;
}

/** A partition a plan left alone, and why (logged by the caller). */
export interface PlanNote {
  readonly tid: number;
  readonly pid: number;
  readonly message: string;
}

export interface Plan {
  readonly ops: readonly PlannedOp[];
  readonly notes: readonly PlanNote[];
}
