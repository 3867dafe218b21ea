/**
 * The SQL catalog of a tablet: one consistent snapshot of the cluster's table metadata (taken
 * from the client core's cache), with each table read through `TabletSqlTable`. A new snapshot is
 * taken when the metadata changed; prepared queries hold the tables of the snapshot they were
 * planned with. `piece` gives the catalog of one piece of a query split by partition: the same,
 * except that one table is cut to some of its partitions (sql-piece-table.ts).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { TableHandle } from '../client/table-handle.js';
import type { SqlCatalog } from '../sql/plan/catalog.js';
import { type PieceSpec, TabletPieceTable } from './sql-piece-table.js';
import { type SqlTableDeps, TabletSqlTable } from './sql-table.js';

/** Piece catalogs kept per snapshot (a tablet normally sees one piece per table it leads partitions of). */
const PIECE_CATALOGS_MAX = 256;

export interface PieceCatalog extends SqlCatalog {
  /** The table cut to the piece's partitions. */
  readonly cut: TabletPieceTable;
}

export class TabletSqlCatalog implements SqlCatalog {
  private readonly made = new Map<string, TabletSqlTable>();
  private readonly pieces = new Map<string, PieceCatalog>();

  constructor(
    private readonly handles: ReadonlyMap<string, TableHandle>,
    private readonly databases: ReadonlySet<string>,
    private readonly deps: SqlTableDeps,
  ) {}

  table(db: string, name: string): TabletSqlTable | undefined {
    const id = `${db}.${name}`;
    let t = this.made.get(id);
    if (t === undefined) {
      const handle = this.handles.get(id);
      if (handle === undefined) return undefined;
      t = new TabletSqlTable(handle, this.deps);
      this.made.set(id, t);
    }
    return t;
  }

  hasDatabase(db: string): boolean {
    return this.databases.has(db);
  }

  /** This catalog with table `spec.tid` cut to partitions `spec.pids` (dealt by index `spec.indexPos`). */
  piece(spec: PieceSpec): Result<PieceCatalog> {
    const id = `${spec.tid}/${spec.indexPos}/${spec.pids.join(',')}`;
    const cached = this.pieces.get(id);
    if (cached !== undefined) return ok(cached);
    const handle = [...this.handles.values()].find((h) => h.info.tid === spec.tid);
    if (handle === undefined) return fail(Code.tableNotFound, `query over partitions of table id ${spec.tid}: no such table`);
    const bad = spec.pids.find((pid) => !Number.isInteger(pid) || pid < 0 || pid >= handle.info.partitionNum);
    if (bad !== undefined) {
      return fail(Code.invalidParameter, `query over partitions of '${handle.qualifiedName}': no partition ${bad} (it has ${handle.info.partitionNum})`);
    }
    if (new Set(spec.pids).size !== spec.pids.length) {
      return fail(Code.invalidParameter, `query over partitions of '${handle.qualifiedName}': partitions ${spec.pids.join(', ')} name one twice`);
    }
    if (spec.indexPos >= handle.info.schema.indexes.length) {
      return fail(Code.indexNotFound, `query over partitions of '${handle.qualifiedName}': no index at position ${spec.indexPos}`);
    }
    const whole = this.table(handle.info.db, handle.info.name)!;
    const cut = new TabletPieceTable(whole, handle, spec, this.deps);
    const catalog: PieceCatalog = {
      cut,
      table: (db, name) => {
        const t = this.table(db, name);
        return t === whole ? cut : t;
      },
      hasDatabase: (db) => this.hasDatabase(db),
    };
    if (this.pieces.size >= PIECE_CATALOGS_MAX) this.pieces.delete(this.pieces.keys().next().value!);
    this.pieces.set(id, catalog);
    return ok(catalog);
  }
}
