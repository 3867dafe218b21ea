/**
 * The nameserver's durable metadata, kept in the coordinator (ZooKeeper in a cluster, the local
 * tree file in standalone mode) under the layout of zk-paths.ts. Records are JSON with a format
 * version so that a newer build reads what an older one wrote. Every change is persisted before
 * the in-memory copy changes (cluster.md §11 recommends persist-first).
 */
import { assert } from '../base/assert.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import { TABLE_INFO_FORMAT_VERSION, type TableInfo } from '../protocol/schema.js';
import type { ZkPaths } from './zk-paths.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson<T>(bytes: Uint8Array, what: string): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (err) {
    throw new Error(`metadata record ${what} is not valid JSON: ${(err as Error).message}`);
  }
}

export function decodeTableInfo(bytes: Uint8Array, what: string): TableInfo {
  const t = decodeJson<TableInfo>(bytes, what);
  assert(typeof t === 'object' && t !== null, `${what} is not an object`);
  if (typeof t.formatVersion !== 'number' || t.formatVersion > TABLE_INFO_FORMAT_VERSION) {
    throw new Error(
      `table record ${what} has format version ${t.formatVersion}; this build reads up to ${TABLE_INFO_FORMAT_VERSION}`,
    );
  }
  // Defaults for fields older formats did not have.
  return {
    ...t,
    replicationMode: t.replicationMode ?? 'async',
    storageMode: t.storageMode ?? 'memory',
    compress: t.compress ?? 'none',
  };
}

async function createIfMissing(coord: Coordinator, path: string, data: Uint8Array): Promise<void> {
  try {
    await coord.create(path, data, 'persistent');
  } catch (err) {
    if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
  }
}

export class MetadataStore {
  constructor(
    private readonly coord: Coordinator,
    readonly paths: ZkPaths,
  ) {}

  /** Creates the fixed nodes and counters when missing. */
  async init(autoFailoverDefault: boolean): Promise<void> {
    for (const p of [
      this.paths.root,
      `${this.paths.root}/table`,
      this.paths.tableData,
      this.paths.dbs,
      this.paths.nodes,
      this.paths.leader,
      `${this.paths.root}/op`,
      this.paths.opData,
      `${this.paths.root}/config`,
      `${this.paths.root}/store_procedure`,
      this.paths.deployments,
    ]) {
      await this.coord.ensurePath(p);
    }
    await createIfMissing(this.coord, this.paths.tableIndex, encoder.encode('1'));
    await createIfMissing(this.coord, this.paths.term, encoder.encode('1'));
    await createIfMissing(this.coord, this.paths.notify, encoder.encode('1'));
    await createIfMissing(this.coord, this.paths.opIndex, encoder.encode('0'));
    await createIfMissing(this.coord, this.paths.autoFailover, encoder.encode(String(autoFailoverDefault)));
  }

  /** Compare-and-set increment of a decimal counter; returns the new value. */
  async increment(path: string, by = 1): Promise<number> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { data, stat } = await this.coord.get(path);
      const current = Number(decoder.decode(data));
      assert(Number.isSafeInteger(current), `counter ${path} holds '${decoder.decode(data)}'`);
      try {
        await this.coord.set(path, encoder.encode(String(current + by)), stat.version);
        return current + by;
      } catch (err) {
        if (err instanceof CoordinatorError && err.code === 'badVersion') continue;
        throw err;
      }
    }
    throw new Error(`counter ${path}: too many concurrent updates`);
  }

  async readCounter(path: string): Promise<number> {
    const { data } = await this.coord.get(path);
    return Number(decoder.decode(data));
  }

  async allocateTableId(): Promise<number> {
    return this.increment(this.paths.tableIndex);
  }

  async bumpNotify(): Promise<number> {
    return this.increment(this.paths.notify);
  }

  async listDatabases(): Promise<string[]> {
    return (await this.coord.children(this.paths.dbs)).sort();
  }

  async createDatabase(name: string): Promise<void> {
    await this.coord.create(this.paths.db(name), new Uint8Array(0), 'persistent');
  }

  async dropDatabase(name: string): Promise<void> {
    await this.coord.delete(this.paths.db(name));
  }

  async loadTables(): Promise<TableInfo[]> {
    const ids = await this.coord.children(this.paths.tableData);
    const out: TableInfo[] = [];
    for (const id of ids) {
      const path = `${this.paths.tableData}/${id}`;
      const { data } = await this.coord.get(path);
      out.push(decodeTableInfo(data, path));
    }
    return out.sort((a, b) => a.tid - b.tid);
  }

  async putTable(table: TableInfo, create: boolean): Promise<void> {
    const data = encodeJson(table);
    if (create) await this.coord.create(this.paths.table(table.tid), data, 'persistent');
    else await this.coord.set(this.paths.table(table.tid), data);
  }

  async deleteTable(tid: number): Promise<void> {
    await this.coord.delete(this.paths.table(tid));
  }

  async readAutoFailover(): Promise<boolean> {
    const { data } = await this.coord.get(this.paths.autoFailover);
    return decoder.decode(data).trim().toLowerCase() === 'true';
  }

  async writeAutoFailover(value: boolean): Promise<void> {
    await this.coord.set(this.paths.autoFailover, encoder.encode(String(value)));
  }
}
