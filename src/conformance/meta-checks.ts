/**
 * Tier-2 expectations about metadata rather than rows (the Java runner's checkers): `idxs` and
 * `options` read the table's metadata, `deployment` the deployment's, `deploymentCount` counts the
 * rows of the final `SHOW DEPLOYMENTS`. Metadata comes from the engine's optional accessors; an
 * engine without them fails these cases with a message saying so.
 */
import type { Result } from '../base/status.js';
import { okVoid } from '../base/status.js';
import type { ColumnType, IndexDef, Ttl } from '../protocol/schema.js';
import type { ExpectedDeployment, ExpectedIndex, ExpectSpec } from './case-model.js';
import type { DeploymentColumn, DeploymentMeta, EngineUnderTest, TableMeta } from './engine.js';
import { invalid } from './raw.js';
import type { Guard } from './timeout.js';

export interface MetaCheckTarget {
  readonly db: string;
  /** Table the expectation describes. */
  readonly table: string;
  /** Rows in the result of the case's last statement. */
  readonly lastRowCount: number;
}

export function needsMetaChecks(expect: ExpectSpec): boolean {
  return (
    expect.idxs !== undefined ||
    expect.options !== undefined ||
    expect.deployment !== undefined ||
    expect.deploymentCount !== undefined
  );
}

export async function checkMeta(
  expect: ExpectSpec,
  target: MetaCheckTarget,
  engine: EngineUnderTest,
  guard: Guard,
): Promise<Result<void>> {
  if (expect.deploymentCount !== undefined && target.lastRowCount !== expect.deploymentCount) {
    return invalid(`expected ${expect.deploymentCount} deployments, the last statement listed ${target.lastRowCount}`);
  }
  if (expect.idxs !== undefined || expect.options !== undefined) {
    if (!engine.tableInfo) return invalid('the engine exposes no tableInfo(); cannot check expect.idxs/options');
    const tableInfo = engine.tableInfo.bind(engine);
    const meta = await guard(`tableInfo ${target.db}.${target.table}`, () => tableInfo(target.db, target.table));
    if (!meta.ok) return invalid(`tableInfo ${target.db}.${target.table} failed: ${meta.message}`);
    const checked = checkTableMeta(expect, meta.value);
    if (!checked.ok) return checked;
  }
  if (expect.deployment !== undefined) {
    if (!engine.deploymentInfo) return invalid('the engine exposes no deploymentInfo(); cannot check expect.deployment');
    const name = expect.deployment.name;
    if (name === undefined) return invalid('expect.deployment has no name');
    const deploymentInfo = engine.deploymentInfo.bind(engine);
    const db = expect.deployment.dbName ?? target.db;
    const meta = await guard(`deploymentInfo ${db}.${name}`, () => deploymentInfo(db, name));
    if (!meta.ok) return invalid(`deploymentInfo ${db}.${name} failed: ${meta.message}`);
    return checkDeploymentMeta(expect.deployment, meta.value);
  }
  return okVoid;
}

export function checkTableMeta(expect: ExpectSpec, meta: TableMeta): Result<void> {
  if (expect.options?.partitionNum !== undefined && meta.partitionNum !== expect.options.partitionNum) {
    return invalid(`expected partitionNum ${expect.options.partitionNum}, table has ${meta.partitionNum}`);
  }
  if (expect.options?.replicaNum !== undefined && meta.replicaNum !== expect.options.replicaNum) {
    return invalid(`expected replicaNum ${expect.options.replicaNum}, table has ${meta.replicaNum}`);
  }
  if (expect.idxs === undefined) return okVoid;
  const want = expect.idxs.map(showExpectedIndex);
  const got = meta.indexes.map(showIndex);
  if (want.length === got.length && want.every((w, i) => w === got[i])) return okVoid;
  return invalid(`indexes differ:\n  expected: ${want.join('; ')}\n  actual:   ${got.join('; ')}`);
}

function showExpectedIndex(e: ExpectedIndex): string {
  return `keys=${e.keys.join('|')} ts=${e.ts} ttl=${e.ttl} ttlType=${e.ttlType}`;
}

function showIndex(index: IndexDef): string {
  return `keys=${index.keyColumns.join('|')} ts=${index.tsColumn ?? '-'} ttl=${formatTtl(index.ttl)} ttlType=${ttlTypeName(index.ttl)}`;
}

/** TTL as the reference prints it: `43200min`, `10` (latest), `10min&&2`, `10min||2`. */
export function formatTtl(ttl: Ttl): string {
  switch (ttl.type) {
    case 'absolute':
      return `${ttl.absMinutes}min`;
    case 'latest':
      return `${ttl.latCount}`;
    case 'absandlat':
      return `${ttl.absMinutes}min&&${ttl.latCount}`;
    case 'absorlat':
      return `${ttl.absMinutes}min||${ttl.latCount}`;
  }
}

const TTL_TYPE_NAMES: Readonly<Record<Ttl['type'], string>> = {
  absolute: 'kAbsoluteTime',
  latest: 'kLatestTime',
  absandlat: 'kAbsAndLat',
  absorlat: 'kAbsOrLat',
};

function ttlTypeName(ttl: Ttl): string {
  return TTL_TYPE_NAMES[ttl.type];
}

const DATA_TYPE_NAMES: Readonly<Record<ColumnType, string>> = {
  bool: 'kBool',
  smallint: 'kInt16',
  int: 'kInt32',
  bigint: 'kInt64',
  float: 'kFloat',
  double: 'kDouble',
  string: 'kVarchar',
  date: 'kDate',
  timestamp: 'kTimestamp',
};

/** `1,c1,kVarchar,NO`: position, name, type, whether the column is a constant. */
export function formatDeploymentColumn(c: DeploymentColumn, position: number): string {
  return `${position},${c.name},${DATA_TYPE_NAMES[c.type]},${c.isConstant ? 'YES' : 'NO'}`;
}

export function checkDeploymentMeta(expect: ExpectedDeployment, meta: DeploymentMeta): Result<void> {
  if (expect.name !== undefined && meta.name !== expect.name) {
    return invalid(`expected deployment name '${expect.name}', got '${meta.name}'`);
  }
  if (expect.dbName !== undefined && meta.db !== expect.dbName) {
    return invalid(`expected deployment database '${expect.dbName}', got '${meta.db}'`);
  }
  // The reference pretty-prints the stored statement; line breaks and indentation are not compared.
  if (expect.sql !== undefined && squash(meta.sql) !== squash(expect.sql)) {
    return invalid(`deployment SQL differs:\n  expected: ${squash(expect.sql)}\n  actual:   ${squash(meta.sql)}`);
  }
  const columns = (what: string, want: readonly string[] | undefined, got: readonly DeploymentColumn[]) => {
    if (want === undefined) return okVoid;
    const wanted = want.map((w) => w.replace(/\s+/g, ''));
    const actual = got.map((c, i) => formatDeploymentColumn(c, i + 1));
    if (wanted.length === actual.length && wanted.every((w, i) => w === actual[i])) return okVoid;
    return invalid(`deployment ${what} differ:\n  expected: ${wanted.join('; ')}\n  actual:   ${actual.join('; ')}`);
  };
  const input = columns('input columns', expect.inColumns, meta.inputColumns);
  if (!input.ok) return input;
  return columns('output columns', expect.outColumns, meta.outputColumns);
}

function squash(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

