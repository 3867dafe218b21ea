/**
 * A client's view of one table: its metadata, a row codec, and the routing of a row to partitions
 * (cluster.md §4.4: each index key hashes to a partition; a row goes to every partition one of its
 * index keys maps to, carrying only those indexes).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import { RowCodec } from '../protocol/row-codec.js';
import { indexKey } from '../protocol/row-key.js';
import { type ColumnType, columnIndex, type TableInfo, type Value } from '../protocol/schema.js';
import { partitionOfKey } from '../sql/functions/murmur-hash.js';

export type RowInput = readonly Value[] | Readonly<Record<string, Value | undefined>>;

export interface RoutedRow {
  readonly pid: number;
  readonly row: Uint8Array;
  /** Index positions this partition stores; undefined = all of them. */
  readonly indexPositions: readonly number[] | undefined;
}

export class TableHandle {
  readonly codec: RowCodec;
  private readonly keyColumns: number[][];
  private readonly keyTypes: ColumnType[][];
  private readonly indexByName = new Map<string, number>();
  /** leaderOf by pid, filled on first use. */
  private readonly leaders: Result<string>[] = [];

  constructor(readonly info: TableInfo) {
    this.codec = new RowCodec(info.schema.columns);
    this.keyColumns = info.schema.indexes.map((idx) => idx.keyColumns.map((c) => columnIndex(info.schema, c)));
    this.keyTypes = this.keyColumns.map((cols) => cols.map((c) => info.schema.columns[c]!.type));
    info.schema.indexes.forEach((idx, i) => {
      if (!idx.dropped) this.indexByName.set(idx.name.toLowerCase(), i);
    });
  }

  get qualifiedName(): string {
    return `${this.info.db}.${this.info.name}`;
  }

  /** Index position by name; the first index when no name is given. */
  indexPosition(name: string | undefined): Result<number> {
    if (name === undefined) return ok(0);
    const pos = this.indexByName.get(name.toLowerCase());
    if (pos === undefined) {
      return fail(
        Code.indexNotFound,
        `table '${this.qualifiedName}' has no index '${name}' (indexes: ${this.info.schema.indexes.map((i) => i.name).join(', ')})`,
      );
    }
    return ok(pos);
  }

  indexName(pos: number): string {
    return this.info.schema.indexes[pos]!.name;
  }

  /** Values in schema order from an array or an object keyed by column name (missing → default/NULL). */
  toValues(input: RowInput): Result<readonly Value[]> {
    const columns = this.info.schema.columns;
    if (Array.isArray(input)) {
      if (input.length !== columns.length) {
        return fail(
          Code.invalidRow,
          `put into '${this.qualifiedName}' failed: ${input.length} values for ${columns.length} columns (${columns.map((c) => c.name).join(', ')})`,
        );
      }
      return ok(input as readonly Value[]);
    }
    const record = input as Readonly<Record<string, Value | undefined>>;
    const byLower = new Map(Object.keys(record).map((k) => [k.toLowerCase(), k]));
    for (const k of byLower.keys()) {
      if (columnIndex(this.info.schema, k) < 0) {
        return fail(Code.invalidRow, `put into '${this.qualifiedName}' failed: table has no column '${byLower.get(k)}'`);
      }
    }
    return ok(
      columns.map((c) => {
        const k = byLower.get(c.name.toLowerCase());
        const v = k === undefined ? undefined : record[k];
        return v === undefined ? (c.defaultValue ?? null) : v;
      }),
    );
  }

  /**
   * Encodes a row (for a table of one partition, where every row goes whole to partition 0) into a
   * shared chunk: the put path only sends it (the request frame copies it) and then drops it.
   */
  encodeRow(input: RowInput): Result<Uint8Array> {
    const values = this.toValues(input);
    if (!values.ok) return values;
    const encoded = this.codec.encode(values.value, true);
    return encoded.ok ? encoded : fail(encoded.code, `put into '${this.qualifiedName}' failed: ${encoded.message}`);
  }

  /** Encodes a row and splits it by partition. */
  route(input: RowInput): Result<RoutedRow[]> {
    const values = this.toValues(input);
    if (!values.ok) return values;
    const encoded = this.codec.encode(values.value);
    if (!encoded.ok) return fail(encoded.code, `put into '${this.qualifiedName}' failed: ${encoded.message}`);
    const partitionNum = this.info.partitionNum;
    if (partitionNum === 1) return ok([{ pid: 0, row: encoded.value, indexPositions: undefined }]);
    const byPid = new Map<number, number[]>();
    for (let i = 0; i < this.keyColumns.length; i++) {
      // A dropped index keeps its position but stores nothing: its key places the row nowhere.
      if (this.info.schema.indexes[i]!.dropped) continue;
      const key = indexKey(
        this.keyColumns[i]!.map((c) => values.value[c]!),
        this.keyTypes[i]!,
      );
      const pid = partitionOfKey(key, partitionNum);
      const list = byPid.get(pid);
      if (list) list.push(i);
      else byPid.set(pid, [i]);
    }
    if (byPid.size === 1) {
      const [pid] = byPid.keys();
      return ok([{ pid: pid!, row: encoded.value, indexPositions: undefined }]);
    }
    return ok([...byPid].map(([pid, positions]) => ({ pid, row: encoded.value, indexPositions: positions })));
  }

  /** Partition holding `key` under an index. */
  partitionOf(key: string): number {
    return this.info.partitionNum === 1 ? 0 : partitionOfKey(key, this.info.partitionNum);
  }

  /** Index key from user-supplied key values (one per key column, or one string for a one-column key). */
  keyOf(indexPos: number, key: Value | readonly Value[]): Result<string> {
    const types = this.keyTypes[indexPos]!;
    const values = Array.isArray(key) ? (key as readonly Value[]) : [key as Value];
    if (values.length !== types.length) {
      return fail(Code.invalidParameter, `index '${this.indexName(indexPos)}' has ${types.length} key column(s), got ${values.length} value(s)`);
    }
    return ok(indexKey(values, types));
  }

  /** Leader endpoint of a partition (alive leader only). */
  leaderOf(pid: number): Result<string> {
    let leader = this.leaders[pid];
    if (leader === undefined) {
      // Metadata does not change under a handle (a reload makes a new one): found once per pid.
      const p = this.info.partitions.find((x) => x.pid === pid);
      const replica = p?.replicas.find((r) => r.isLeader && r.isAlive);
      leader = replica ? ok(replica.endpoint) : fail(Code.unavailable, `table '${this.qualifiedName}' partition ${pid} has no alive leader`);
      if (Number.isInteger(pid) && pid >= 0 && pid < this.info.partitionNum) this.leaders[pid] = leader;
    }
    return leader;
  }

  /** Alive replicas of a partition, leader first. */
  replicasOf(pid: number): string[] {
    const p = this.info.partitions.find((x) => x.pid === pid);
    if (!p) return [];
    return [...p.replicas]
      .filter((r) => r.isAlive)
      .sort((a, b) => Number(b.isLeader) - Number(a.isLeader))
      .map((r) => r.endpoint);
  }
}
