/**
 * TEST DOUBLE of the storage boundary (plan/catalog.ts), for unit tests and the conformance
 * harness only: tables as arrays of encoded rows per index key, kept in storage order (ascending
 * ts, equal ts in insertion order) and read newest first, as the tablet's storage does. A
 * `latest` TTL (or the latest part of absorlat) hides older rows; absolute TTLs are not applied
 * (no clock here).
 */
import { Code, fail, ok, type Result } from '../../../base/status.js';
import { RowCodec } from '../../../protocol/row-codec.js';
import type { IndexDef, TableSchema, Value } from '../../../protocol/schema.js';
import type { KeyScanRange, SqlCatalog, SqlTable, StoredRow } from '../../plan/catalog.js';
import { columnPosition, keyPositions } from '../../plan/index-match.js';

interface Entry {
  readonly tsMs: number;
  readonly row: Uint8Array;
}

class IndexStore {
  readonly keys = new Map<string, Entry[]>();
  constructor(
    readonly def: IndexDef,
    readonly keyCols: readonly number[],
    readonly tsCol: number,
  ) {}

  /** Rows kept by the latest part of the TTL (0: all). */
  get keep(): number {
    const t = this.def.ttl;
    return t.type === 'latest' || t.type === 'absorlat' ? t.latCount : 0;
  }
}

export class MemoryTable implements SqlTable {
  readonly codec: RowCodec;
  private indexes: IndexStore[] = [];
  private readonly rows: Uint8Array[] = [];
  private insertClock = 0;

  constructor(
    readonly db: string,
    readonly name: string,
    private tableSchema: TableSchema,
  ) {
    this.codec = new RowCodec(tableSchema.columns);
    this.rebuild();
  }

  get schema(): TableSchema {
    return this.tableSchema;
  }

  /** Replaces the index list (e.g. DEPLOY added an index) and re-indexes every stored row. */
  setIndexes(indexes: readonly IndexDef[]): void {
    this.tableSchema = { columns: this.tableSchema.columns, indexes };
    this.rebuild();
  }

  private rebuild(): void {
    const s = this.tableSchema;
    this.indexes = s.indexes.map((d) => new IndexStore(d, keyPositions(s, d), d.tsColumn === undefined ? -1 : columnPosition(s, d.tsColumn)));
    const rows = this.rows.splice(0);
    this.insertClock = 0;
    for (const r of rows) this.putEncoded(r);
  }

  insert(values: readonly Value[]): Result<void> {
    const encoded = this.codec.encode(values);
    if (!encoded.ok) return encoded;
    for (const ix of this.indexes) {
      if (ix.tsCol >= 0 && values[ix.tsCol] === null) return fail(Code.putFailed, `put failed: ts column of index '${ix.def.name}' is NULL`);
    }
    this.putEncoded(encoded.value);
    return ok(undefined);
  }

  private putEncoded(row: Uint8Array): void {
    this.rows.push(row);
    this.insertClock += 1;
    for (const ix of this.indexes) {
      const key = this.codec.readKey(row, ix.keyCols);
      const tsMs = ix.tsCol < 0 ? this.insertClock : this.codec.readTsMs(row, ix.tsCol)!;
      let list = ix.keys.get(key);
      if (list === undefined) {
        list = [];
        ix.keys.set(key, list);
      }
      let at = list.length;
      while (at > 0 && list[at - 1]!.tsMs > tsMs) at--;
      list.splice(at, 0, { tsMs, row });
    }
  }

  private live(ix: IndexStore, list: readonly Entry[]): readonly Entry[] {
    const keep = ix.keep;
    return keep > 0 && list.length > keep ? list.slice(list.length - keep) : list;
  }

  scanKey(indexPos: number, key: string, range: KeyScanRange): Result<readonly StoredRow[]> {
    const ix = this.indexes[indexPos];
    if (ix === undefined) return fail(Code.indexNotFound, `table '${this.name}' has no index ${indexPos}`);
    const list = this.live(ix, ix.keys.get(key) ?? []);
    const out: StoredRow[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (range.newestTsMs !== undefined && e.tsMs > range.newestTsMs) continue;
      if (range.oldestTsMs !== undefined && e.tsMs < range.oldestTsMs) break;
      out.push(e);
      if (range.limit !== undefined && out.length >= range.limit) break;
    }
    return ok(out);
  }

  *scanAll(indexPos: number): Iterable<Result<readonly StoredRow[]>> {
    const ix = this.indexes[indexPos];
    if (ix === undefined) {
      yield fail(Code.indexNotFound, `table '${this.name}' has no index ${indexPos}`);
      return;
    }
    for (const list of ix.keys.values()) yield ok([...this.live(ix, list)].reverse());
  }
}

export class MemoryCatalog implements SqlCatalog {
  private readonly dbs = new Map<string, Map<string, MemoryTable>>();

  createDatabase(db: string): boolean {
    if (this.dbs.has(db)) return false;
    this.dbs.set(db, new Map());
    return true;
  }

  hasDatabase(db: string): boolean {
    return this.dbs.has(db);
  }

  createTable(db: string, name: string, schema: TableSchema): Result<MemoryTable> {
    const tables = this.dbs.get(db);
    if (tables === undefined) return fail(Code.databaseNotFound, `database '${db}' does not exist`);
    if (tables.has(name)) return fail(Code.tableAlreadyExists, `table '${name}' already exists in database '${db}'`);
    const t = new MemoryTable(db, name, schema);
    tables.set(name, t);
    return ok(t);
  }

  table(db: string, name: string): MemoryTable | undefined {
    return this.dbs.get(db)?.get(name);
  }
}
