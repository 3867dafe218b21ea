/**
 * Submitting a batch of nameserver op commands and waiting for them, as the ops tool does
 * (cluster.md §9: poll showopstatus until nothing runs; kFailed is an error): the batch is done
 * when no op on its partitions is running, none created after it started failed, and the
 * metadata shows the intended result (`unmet` lists what is still missing).
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { TableInfo } from '../protocol/schema.js';
import type { AdminApi } from './admin-api.js';
import { type Pacer, pollDone, pollFailed, pollWait, waitUntil } from './pacer.js';
import { maxOpId } from './wait-healthy.js';

export interface OpsContext {
  readonly admin: AdminApi;
  readonly pacer: Pacer;
  readonly log: (line: string) => void;
  /** How long one batch of ops may take. */
  readonly opTimeoutMs: number;
  readonly pollMs: number;
}

export interface OpCommand {
  readonly method: string;
  readonly request: { db: string; name: string; pid?: number; pids?: number[] } & Record<string, unknown>;
}

const RUNNING = new Set(['kInited', 'kDoing']);

export function findTable(tables: readonly TableInfo[], db: string, name: string): TableInfo | undefined {
  return tables.find((t) => t.db === db && t.name === name);
}

export async function runOpBatch(
  ctx: OpsContext,
  what: string,
  commands: readonly OpCommand[],
  unmet: (tables: readonly TableInfo[]) => string[],
): Promise<Result<void>> {
  if (commands.length === 0) return okVoid;
  const baseline = await maxOpId(ctx.admin);
  if (!baseline.ok) return fail(baseline.code, `${what}: cannot read the op list: ${baseline.message}`);
  const involved = new Set<string>();
  for (const c of commands) {
    for (const pid of c.request.pids ?? [c.request.pid ?? -1]) involved.add(`${c.request.db}.${c.request.name}/${pid}`);
    const r = await ctx.admin.command(c.method, c.request);
    if (!r.ok) return fail(r.code, `${what}: ${c.method} ${c.request.db}.${c.request.name} ${JSON.stringify(c.request.pids ?? c.request.pid)} failed: ${r.message}`);
  }
  ctx.log(`${what}: ${commands.length} command(s) sent; waiting for their ops`);
  const done = await waitUntil(ctx.pacer, what, { timeoutMs: ctx.opTimeoutMs, intervalMs: ctx.pollMs, report: ctx.log, reportEveryMs: 10_000 }, async () => {
    const [ops, tables] = await Promise.all([ctx.admin.ops(), ctx.admin.tables()]);
    if (!ops.ok) return pollWait(`cannot read ops: ${ops.message}`);
    if (!tables.ok) return pollWait(`cannot read tables: ${tables.message}`);
    const mine = ops.value.filter((o) => involved.has(`${o.db}.${o.name}/${o.pid}`));
    const failed = mine.find((o) => o.opId > baseline.value && o.status === 'kFailed');
    if (failed) return pollFailed(`op ${failed.opId} ${failed.opType} ${failed.db}.${failed.name} pid ${failed.pid} is kFailed`);
    const running = mine.filter((o) => RUNNING.has(o.status));
    if (running.length > 0) return pollWait(`${running.length} op(s) running, e.g. ${running[0]!.opId} ${running[0]!.opType} (${running[0]!.curTask})`);
    const missing = unmet(tables.value);
    return missing.length === 0 ? pollDone(undefined) : pollWait(missing.slice(0, 3).join('; '));
  });
  return done.ok ? okVoid : done;
}

/** Waits until no op of the cluster is kInited or kDoing. */
export async function waitNoRunningOps(ctx: OpsContext, what: string): Promise<Result<void>> {
  const r = await waitUntil(ctx.pacer, what, { timeoutMs: ctx.opTimeoutMs, intervalMs: ctx.pollMs, report: ctx.log, reportEveryMs: 10_000 }, async () => {
    const ops = await ctx.admin.ops();
    if (!ops.ok) return pollWait(`cannot read ops: ${ops.message}`);
    const running = ops.value.filter((o) => RUNNING.has(o.status));
    return running.length === 0 ? pollDone(undefined) : pollWait(`${running.length} op(s) running`);
  });
  return r.ok ? ok(undefined) : r;
}

export function tablesFailure(r: Result<unknown>, what: string): Result<never> {
  return fail(r.ok ? Code.internal : r.code, `${what}: cannot read table metadata: ${r.ok ? '' : r.message}`);
}
