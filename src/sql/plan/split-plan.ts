/**
 * Whether a batch query can be split by partition of its main table (tablet/sql-DESIGN.md,
 * "Splitting a query by partition"): each piece runs the whole query over the rows of some
 * partitions of the main table, and the pieces' results, concatenated (then de-duplicated for
 * DISTINCT and cut to the LIMIT), are the query's result.
 *
 * In a cluster a row of a table is stored under index i once, in the partition its index-i key
 * hashes to. Reading the main table through index i partition by partition therefore deals every
 * row to exactly one piece, and rows with equal index-i keys to the same piece. That is enough
 * when every output row depends only on rows sharing its index-i key:
 * - a plain select (WHERE, projection, LAST JOINs looking up other rows by key): one output row
 *   per input row;
 * - windows whose PARTITION BY includes the key columns of index i: a window partition never
 *   spans two pieces.
 * Not splittable: GROUP BY and aggregates over the whole input (groups span partitions), UNION,
 * a main input that is a subquery, a WHERE answered by one key lookup (every piece would return
 * the same rows), and a query that reads the main table in full a second time (a join without an
 * index lookup, a subquery, a window UNION source): that read would also be cut to the piece.
 */
import type { SqlTable } from './catalog.js';
import { batchScanIndex, keyPositions } from './index-match.js';
import type { FromPlan, QueryPlan, SelectPlan, TableSource } from './plan-types.js';

export interface Splittable {
  readonly splittable: true;
  /** The main table: the left-most table of the FROM clause. */
  readonly table: SqlTable;
  /** The index whose partitions the pieces follow (the one the main table is read through). */
  readonly indexPos: number;
  /** Merge: drop duplicate rows across pieces (SELECT DISTINCT). */
  readonly distinct: boolean;
  /** Merge: keep at most this many rows (LIMIT; each piece applies it too). */
  readonly limit?: number;
}

export interface NotSplittable {
  readonly splittable: false;
  readonly reason: string;
}

export type SplitDecision = Splittable | NotSplittable;

function no(reason: string): NotSplittable {
  return { splittable: false, reason };
}

function sameTable(a: SqlTable, b: SqlTable): boolean {
  return a === b || (a.db === b.db && a.name === b.name);
}

/** Whether `plan` reads `table` in full (scanAll) anywhere; reads through an index lookup do not count. */
function readsInFull(plan: QueryPlan, table: SqlTable): boolean {
  switch (plan.kind) {
    case 'limit':
      return readsInFull(plan.input, table);
    case 'union':
      return readsInFull(plan.left, table) || readsInFull(plan.right, table);
    case 'select':
      return (plan.from !== undefined && fromReadsInFull(plan.from, table)) || plan.windows.some((w) => w.unions.some((u) => fromReadsInFull(u.from, table)));
  }
}

function fromReadsInFull(from: FromPlan, table: SqlTable): boolean {
  switch (from.kind) {
    case 'table':
      return sameTable(from.table, table);
    case 'derived':
      return readsInFull(from.query, table);
    case 'join':
      // A right side served by an index lookup is read key by key (and never run as a whole).
      return fromReadsInFull(from.left, table) || (from.lookup === undefined && fromReadsInFull(from.right, table));
  }
}

/** Like `readsInFull` for the FROM of the main select, the left-most table itself excepted. */
function readsMainAgain(select: SelectPlan, main: TableSource): boolean {
  const again = (from: FromPlan): boolean => {
    switch (from.kind) {
      case 'table':
        return from !== main && sameTable(from.table, main.table);
      case 'derived':
        return readsInFull(from.query, main.table);
      case 'join':
        return again(from.left) || (from.lookup === undefined && fromReadsInFull(from.right, main.table));
    }
  };
  return (select.from !== undefined && again(select.from)) || select.windows.some((w) => w.unions.some((u) => fromReadsInFull(u.from, main.table)));
}

function leftmost(from: FromPlan): FromPlan {
  let n = from;
  while (n.kind === 'join') n = n.left;
  return n;
}

function splitSelect(select: SelectPlan): SplitDecision {
  if (select.from === undefined) return no('the query reads no table');
  const main = leftmost(select.from);
  if (main.kind !== 'table') return no('the main input is a subquery');
  const table = main.table;
  if (select.aggregation === 'group') return no('GROUP BY: a group may hold rows of every partition');
  if (select.aggregation === 'whole') return no('an aggregate over the whole input needs the rows of every partition');
  if (select.indexScan !== undefined) {
    return no(`the WHERE reads one key of index '${table.schema.indexes[select.indexScan.indexPos]?.name ?? select.indexScan.indexPos}'`);
  }
  if (readsMainAgain(select, main)) {
    return no(`table '${table.name}' is read in full a second time (a join without an index lookup, a subquery or a window UNION)`);
  }
  const indexPos = batchScanIndex(select);
  const index = table.schema.indexes[indexPos];
  if (index === undefined) return no(`table '${table.name}' has no index`);
  const keys = keyPositions(table.schema, index);
  for (const w of select.windows) {
    if (w.calls.length === 0) continue;
    const by = new Set(w.partitionBy.filter((p) => p.source === main.source).map((p) => p.column));
    if (keys.some((k) => !by.has(k))) {
      return no(
        `window '${w.name}' is partitioned by (${w.partitionBy.map((p) => p.name).join(', ')}), which does not include the key (${index.keyColumns.join(', ')}) of index '${index.name}' the table is read through`,
      );
    }
  }
  return { splittable: true, table, indexPos, distinct: select.distinct };
}

/** Whether a planned batch query can be split by partition of its main table, and how to merge the pieces. */
export function splitOf(plan: QueryPlan): SplitDecision {
  switch (plan.kind) {
    case 'select':
      return splitSelect(plan);
    case 'union':
      return no('UNION: its inputs are merged in one place');
    case 'limit': {
      const input = splitOf(plan.input);
      if (!input.splittable) return input;
      return { ...input, limit: Math.min(plan.limit, input.limit ?? plan.limit) };
    }
  }
}
