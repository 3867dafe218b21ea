import { assert } from '../base/assert.js';
import { codeName } from '../base/status.js';
import type { Rng } from '../ports/clock.js';
import { TTL_NONE, type TableSchema } from '../protocol/schema.js';
import type { SimCluster } from './sim-cluster.js';
import type { SimClientNode } from './sim-client-node.js';

/**
 * The clients' load: every write is one row with a unique value (`v`), so each row can be traced
 * back to the put that wrote it. Each put's outcome is recorded: acknowledged, failed (the client
 * got an error: the row may or may not be stored, e.g. after a timeout), or still pending.
 */
export const SIM_DB = 'sim';

export const SIM_SCHEMA: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'string', notNull: true },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: TTL_NONE }],
};

/** Column position of the unique value in SIM_SCHEMA. */
export const VALUE_COLUMN = 2;

export interface SimTable {
  readonly name: string;
  readonly replicationMode: 'sync' | 'async';
  readonly partitionNum: number;
  readonly replicaNum: number;
}

export const SIM_TABLES: readonly SimTable[] = [
  { name: 't_sync', replicationMode: 'sync', partitionNum: 2, replicaNum: 3 },
  { name: 't_async', replicationMode: 'async', partitionNum: 2, replicaNum: 3 },
];

export type WriteStatus = 'pending' | 'acked' | 'failed';

export interface WriteRecord {
  readonly value: string;
  readonly table: string;
  readonly key: string;
  readonly client: string;
  readonly startedAtMs: number;
  status: WriteStatus;
  /** Failure code name, for failed writes. */
  failure?: string;
  /** A write of the progress probe after the faults healed (must succeed). */
  readonly probe: boolean;
}

export interface WorkloadOptions {
  readonly writersPerClient: number;
  readonly keys: number;
  readonly thinkTimeMaxMs: number;
  /** Limit on recorded writes; writers stop at it. */
  readonly writesMax: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = { writersPerClient: 2, keys: 16, thinkTimeMaxMs: 30, writesMax: 200_000 };

export class Workload {
  readonly records: WriteRecord[] = [];
  #running = false;
  #writers = 0;
  #seq = 0;

  constructor(
    private readonly cluster: SimCluster,
    private readonly tables: readonly SimTable[],
    private readonly rng: Rng,
    private readonly options: WorkloadOptions = DEFAULT_WORKLOAD,
  ) {}

  /** Writers still running (each finishes its current put after `stop`). */
  get activeWriters(): number {
    return this.#writers;
  }

  get pending(): number {
    return this.records.filter((r) => r.status === 'pending').length;
  }

  start(): void {
    assert(!this.#running, 'the workload is already running');
    this.#running = true;
    for (const node of this.cluster.clients) {
      for (let w = 0; w < this.options.writersPerClient; w++) void this.#writer(node);
    }
  }

  stop(): void {
    this.#running = false;
  }

  /** One put of a fresh row; resolves with its record once the client answered. */
  async write(node: SimClientNode, table: string, key: string, probe = false): Promise<WriteRecord> {
    const id = this.#seq++;
    const record: WriteRecord = {
      value: `v${id}`,
      table,
      key,
      client: node.name,
      startedAtMs: this.cluster.clock.nowMs,
      status: 'pending',
      probe,
    };
    this.records.push(record);
    const r = await node.client.put(SIM_DB, table, [[key, BigInt(id), record.value]]);
    if (r.ok) record.status = 'acked';
    else {
      record.status = 'failed';
      record.failure = codeName(r.code);
    }
    return record;
  }

  /**
   * The progress probe: after the faults healed, every client writes `perTable` rows to every
   * table, over all keys (so every partition gets some). Resolves with the records.
   */
  probe(perTable: number): Promise<WriteRecord[]> {
    const writes: Promise<WriteRecord>[] = [];
    for (const node of this.cluster.clients) {
      for (const t of this.tables) {
        for (let i = 0; i < perTable; i++) writes.push(this.write(node, t.name, `k${i % this.options.keys}`, true));
      }
    }
    return Promise.all(writes);
  }

  async #writer(node: SimClientNode): Promise<void> {
    this.#writers++;
    const sleep = (ms: number) => new Promise<void>((resolve) => this.cluster.clock.after(ms, resolve));
    try {
      while (this.#running && this.records.length < this.options.writesMax) {
        const table = this.tables[this.rng.int(this.tables.length)]!;
        await this.write(node, table.name, `k${this.rng.int(this.options.keys)}`);
        await sleep(this.rng.int(this.options.thinkTimeMaxMs + 1));
      }
    } finally {
      this.#writers--;
    }
  }
}
