/**
 * The main table of one piece of a query split by partition (sql-DESIGN.md, "Splitting a query
 * by partition"): the rows of the table whose key under index `indexPos` hashes to one of
 * `pids`, partitions this tablet leads.
 * - `scanAll(indexPos)` reads exactly those partitions from their MemTables (no RPC);
 * - `scanAll` of another index reads the whole index (locally or from the leaders) and keeps the
 *   rows whose index-`indexPos` key hashes to `pids`, so every full read sees the same rows;
 * - `scanKey` is the whole table's (a LAST JOIN looks its partner up wherever it lives).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { TableHandle } from '../client/table-handle.js';
import type { TableSchema } from '../protocol/schema.js';
import type { KeyScanRange, RowAccess, SqlTable, StoredRow } from '../sql/plan/catalog.js';
import { keyPositions } from '../sql/plan/index-match.js';
import { localLeader, localPages, type SqlTableDeps, type TabletSqlTable } from './sql-table.js';

/** The partitions of one piece: `pids` of table `tid`, dealt by the key of index `indexPos`. */
export interface PieceSpec {
  readonly tid: number;
  readonly pids: readonly number[];
  readonly indexPos: number;
}

export class TabletPieceTable implements SqlTable {
  readonly db: string;
  readonly name: string;
  readonly schema: TableSchema;
  readonly codec: RowAccess;
  private readonly pidSet: ReadonlySet<number>;
  private readonly keyColumns: readonly number[];

  constructor(
    private readonly whole: TabletSqlTable,
    private readonly handle: TableHandle,
    readonly piece: PieceSpec,
    private readonly deps: SqlTableDeps,
  ) {
    this.db = whole.db;
    this.name = whole.name;
    this.schema = whole.schema;
    this.codec = whole.codec;
    this.pidSet = new Set(piece.pids);
    const index = this.schema.indexes[piece.indexPos];
    this.keyColumns = index === undefined ? [] : keyPositions(this.schema, index);
  }

  scanKey(indexPos: number, key: string, range: KeyScanRange): Result<readonly StoredRow[]> | Promise<Result<readonly StoredRow[]>> {
    return this.whole.scanKey(indexPos, key, range);
  }

  scanAll(indexPos: number): AsyncIterable<Result<readonly StoredRow[]>> | Iterable<Result<readonly StoredRow[]>> {
    return indexPos === this.piece.indexPos ? this.ownPartitions() : this.filtered(indexPos);
  }

  private *ownPartitions(): Generator<Result<readonly StoredRow[]>> {
    if (this.schema.indexes[this.piece.indexPos] === undefined) {
      yield fail(Code.indexNotFound, `table '${this.db}.${this.name}' has no index at position ${this.piece.indexPos}`);
      return;
    }
    for (const pid of this.piece.pids) {
      const local = localLeader(this.deps.partitions, this.piece.tid, pid);
      if (local === undefined) {
        yield fail(Code.tableIsFollower, `reading '${this.db}.${this.name}' partition ${pid}: this tablet no longer leads it`);
        return;
      }
      if (!(yield* localPages(local, this.piece.indexPos, this.deps))) return;
    }
  }

  private async *filtered(indexPos: number): AsyncGenerator<Result<readonly StoredRow[]>> {
    for await (const page of this.whole.scanAll(indexPos)) {
      if (!page.ok) {
        yield page;
        return;
      }
      yield ok(page.value.filter((r) => this.pidSet.has(this.handle.partitionOf(this.codec.readKey(r.row, this.keyColumns)))));
    }
  }
}
