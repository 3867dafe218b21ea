/**
 * Replays one prepared case against an engine in one mode (sql.md §8.3):
 * - batch: create databases and tables, insert every row, run `sqls` then `sql`, check the last
 *   result (rows, schema, count, metadata);
 * - request: insert every input but inputs[0]; for each row i of inputs[0] run the query in
 *   request mode with row i, then insert row i; output i must match expected row i. With a
 *   `batch_request`, every input is inserted and its rows are the requests;
 * - deploy: as request, but `DEPLOY` the query first and call the deployment per row.
 * `success: false` cases pass only if a statement (batch), the first request, or the DEPLOY fails.
 * `tearDown` statements run afterwards whatever happened; their failures are ignored.
 * Every engine call is guarded by a timeout; a throw or timeout fails the case, never the run.
 */
import type { Value } from '../protocol/schema.js';
import type { ColumnSpec } from './column-spec.js';
import { compareResult } from './compare.js';
import type { EngineUnderTest, ExecResult, ExecSuccess, ResultColumn } from './engine.js';
import { checkMeta, needsMetaChecks } from './meta-checks.js';
import type { RunMode } from './modes.js';
import type { PreparedCase, PreparedTable } from './prepare.js';
import type { Guard } from './timeout.js';
import { EngineCallError, withTimeout } from './timeout.js';

export type CaseOutcome =
  | { readonly passed: true; readonly engineSuspect: boolean }
  | { readonly passed: false; readonly message: string; readonly engineSuspect: boolean };

export interface ReplayOptions {
  readonly timeoutMs: number;
}

/** A statement the case needs before its own SQL failed: the case fails with this message. */
class SetUpFailure extends Error {}

export async function replayCase(
  p: PreparedCase,
  mode: RunMode,
  engine: EngineUnderTest,
  options: ReplayOptions,
): Promise<CaseOutcome> {
  let timedOut = false;
  const guard: Guard = async (what, call) => {
    try {
      return await withTimeout(what, call, options.timeoutMs);
    } catch (e) {
      if (e instanceof EngineCallError && e.timedOut) timedOut = true;
      throw e;
    }
  };
  let failure: string | undefined;
  try {
    failure = await replay(p, mode, engine, guard);
  } catch (e) {
    failure =
      e instanceof EngineCallError || e instanceof SetUpFailure ? e.message : `runner error: ${(e as Error).stack ?? String(e)}`;
  }
  for (const sql of p.tearDown) {
    try {
      await guard(`tearDown '${oneLine(sql)}'`, () => engine.execute(p.db, sql));
    } catch {
      // tearDown is best effort; the next case starts from reset() anyway.
    }
  }
  return failure === undefined
    ? { passed: true, engineSuspect: timedOut }
    : { passed: false, message: failure, engineSuspect: timedOut };
}

/** Returns a failure message, or undefined when the case passed. */
async function replay(p: PreparedCase, mode: RunMode, engine: EngineUnderTest, guard: Guard): Promise<string | undefined> {
  if (mode === 'batch') return replayBatch(p, engine, guard);
  return replayRequests(p, mode, engine, guard);
}

async function replayBatch(p: PreparedCase, engine: EngineUnderTest, guard: Guard): Promise<string | undefined> {
  await setUp(p, engine, guard, { insertMain: true });
  let last: ExecSuccess | undefined;
  for (const [i, sql] of p.statements.entries()) {
    const params = i === p.statements.length - 1 ? p.params : undefined;
    const r = await guard(`statement '${oneLine(sql)}'`, () => engine.execute(p.db, sql, params));
    if (!r.ok) {
      if (!p.expect.success) return undefined;
      return `statement failed: ${oneLine(sql)}\n  error ${r.code}: ${r.message}`;
    }
    last = r;
  }
  if (!p.expect.success) {
    return `expected a statement to fail, but all ${p.statements.length} succeeded${describeRows(last)}`;
  }
  const rows = checkRows(p, last?.columns, last?.rows);
  if (rows !== undefined) return rows;
  if (!needsMetaChecks(p.expect)) return undefined;
  const tableName = p.expect.tableName ?? p.tables[0]?.name;
  if (tableName === undefined) return 'expect names table metadata but the case has no table';
  const table = p.tables.find((t) => t.name === tableName);
  const meta = await checkMeta(
    p.expect,
    { db: table?.db ?? p.db, table: tableName, lastRowCount: last?.rows?.length ?? 0 },
    engine,
    guard,
  );
  return meta.ok ? undefined : meta.message;
}

async function replayRequests(
  p: PreparedCase,
  mode: 'request' | 'deploy',
  engine: EngineUnderTest,
  guard: Guard,
): Promise<string | undefined> {
  if (!p.requests.ok) return `case error: ${p.requests.message}`;
  if (p.query === undefined) return `case error: ${mode} mode needs a 'sql' query`;
  const query = p.query;
  const batchRequest = p.source.batchRequest !== undefined;
  const main = p.tables[0];
  await setUp(p, engine, guard, { insertMain: batchRequest });

  let call: (row: readonly Value[]) => Promise<ExecResult>;
  if (mode === 'deploy') {
    const name = p.deploymentName;
    const options = p.source.longWindow === undefined ? '' : ` OPTIONS(long_windows="${p.source.longWindow}")`;
    const deploySql = `DEPLOY ${name}${options} ${query.trim()}`;
    const deployed = await guard(`'${oneLine(deploySql)}'`, () => engine.execute(p.db, deploySql));
    if (!deployed.ok) {
      if (!p.expect.success) return undefined;
      return `DEPLOY failed: ${oneLine(deploySql)}\n  error ${deployed.code}: ${deployed.message}`;
    }
    call = (row) => engine.callDeployment(p.db, name, [row]);
  } else {
    call = (row) => engine.requestQuery(p.db, query, row);
  }

  const { columns, rows } = p.requests.value;
  const requests = rows.length === 0 && !p.expect.success ? [nullRow(columns)] : rows;
  let resultColumns: readonly ResultColumn[] | undefined;
  const collected: (readonly Value[])[] = [];
  for (const [i, row] of requests.entries()) {
    const r = await guard(`${mode} row ${i}`, () => call(row));
    if (!r.ok) {
      if (!p.expect.success) return undefined;
      return `${mode} row ${i} failed: ${oneLine(query)}\n  error ${r.code}: ${r.message}`;
    }
    if (!p.expect.success) return `expected the query to fail in ${mode} mode, but row ${i} succeeded${describeRows(r)}`;
    resultColumns ??= r.columns;
    collected.push(...(r.rows ?? []));
    if (!batchRequest && main) await insertRow(main, i, engine, guard);
  }
  if (!p.expect.success) return `expected the query to fail in ${mode} mode, but there was no request row to send`;
  return checkRows(p, resultColumns, collected);
}

async function setUp(
  p: PreparedCase,
  engine: EngineUnderTest,
  guard: Guard,
  options: { readonly insertMain: boolean },
): Promise<void> {
  for (const db of p.databases) {
    const sql = `CREATE DATABASE IF NOT EXISTS ${db};`;
    expectOk(`set-up: ${sql}`, await guard(sql, () => engine.execute(undefined, sql)));
  }
  for (const t of p.tables) {
    const create = t.create;
    if (create === undefined) continue;
    expectOk(`set-up: create table ${t.db}.${t.name}`, await guard(`create ${t.name}`, () => engine.execute(t.db, create)));
  }
  for (const [i, t] of p.tables.entries()) {
    if (i === 0 && !options.insertMain) continue;
    for (const s of t.inserts) {
      const r = await guard(`insert into ${t.name}`, () => engine.execute(t.db, s.sql, s.params));
      expectOk(`set-up: '${oneLine(s.sql)}'${s.params ? ` with ${showParams(s.params)}` : ''}`, r);
    }
  }
}

async function insertRow(table: PreparedTable, i: number, engine: EngineUnderTest, guard: Guard): Promise<void> {
  const s = table.rowInserts?.[i];
  if (!s) throw new SetUpFailure(`case error: no insert statement for row ${i} of '${table.name}'`);
  const r = await guard(`insert row ${i} into ${table.name}`, () => engine.execute(table.db, s.sql, s.params));
  expectOk(`insert of request row ${i}: '${oneLine(s.sql)}'`, r);
}

function expectOk(what: string, r: ExecResult): void {
  if (!r.ok) throw new SetUpFailure(`${what} failed\n  error ${r.code}: ${r.message}`);
}

function checkRows(
  p: PreparedCase,
  columns: readonly ResultColumn[] | undefined,
  rows: readonly (readonly Value[])[] | undefined,
): string | undefined {
  const e = p.expect;
  if (e.columns === undefined && e.rows === undefined && e.count === undefined) return undefined;
  const r = compareResult({ columns: e.columns, rows: e.rows, order: e.order, count: e.count }, { columns: columns ?? [], rows: rows ?? [] });
  return r.ok ? undefined : r.message;
}

function nullRow(columns: readonly ColumnSpec[]): Value[] {
  return columns.map(() => null);
}

function describeRows(r: ExecSuccess | undefined): string {
  return r?.rows ? ` (the last one returned ${r.rows.length} row${r.rows.length === 1 ? '' : 's'})` : '';
}

function showParams(params: readonly Value[]): string {
  return `[${params.map((v) => (typeof v === 'bigint' ? `${v}` : JSON.stringify(v))).join(', ')}]`;
}

export function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
