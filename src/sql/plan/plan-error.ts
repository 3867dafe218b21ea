/**
 * Planning failures: a `Failure` whose message names what was attempted and what was found, and
 * ends with the position in the statement (`[at line:column]`), like syntax errors do.
 */
import { Code, type Failure } from '../../base/status.js';
import type { SourcePos } from '../syntax/index.js';

export function planError(pos: SourcePos | undefined, message: string, code: number = Code.sqlPlanError): Failure {
  const where = pos === undefined ? '' : ` [at ${pos.line}:${pos.column}]`;
  return { ok: false, code, message: `${message}${where}` };
}

/** Attaches a position to a failure coming from a library (operators, functions) that has none. */
export function atPos(pos: SourcePos, failure: Failure): Failure {
  return planError(pos, failure.message, failure.code);
}

/** Thrown inside the planner to unwind to its entry point, where it becomes a Result. */
export class PlanAbort extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export function abort(pos: SourcePos | undefined, message: string, code: number = Code.sqlPlanError): never {
  throw new PlanAbort(planError(pos, message, code));
}

export function abortWith(pos: SourcePos, failure: Failure): never {
  throw new PlanAbort(atPos(pos, failure));
}
