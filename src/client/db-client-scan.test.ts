/**
 * Goal: the client asks for packed scan answers and reads both answer forms (packedRows from a
 * tablet that knows the flag, rows from one that predates it); a malformed answer is a clear
 * failure, never a throw. Method: a scripted transport (no network).
 */
import { describe, expect, it } from 'vitest';
import { Code, fail, ok, type Result } from '../base/status.js';
import type { RpcClient, Transport } from '../ports/transport.js';
import { RowCodec } from '../protocol/row-codec.js';
import { TABLE_INFO_FORMAT_VERSION, type TableInfo, type TableSchema, TTL_NONE } from '../protocol/schema.js';
import { DbClient } from './db-client.js';
import { staticDiscovery } from './discovery.js';

const SCHEMA: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'timestamp', notNull: true },
    { name: 'v', type: 'string', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: TTL_NONE }],
};

const TABLE: TableInfo = {
  formatVersion: TABLE_INFO_FORMAT_VERSION,
  tid: 7,
  db: 'db',
  name: 't',
  partitionNum: 1,
  replicaNum: 1,
  schema: SCHEMA,
  partitions: [{ pid: 0, replicas: [{ endpoint: 'tab:1', isLeader: true, isAlive: true }], termOffsets: [{ term: 1, offset: 0 }] }],
  storageMode: 'memory',
  replicationMode: 'async',
  compress: 'none',
  createdAtMs: 0,
};

const codec = new RowCodec(SCHEMA.columns);
const ROWS = [
  ['key1', 30, 'third'],
  ['key1', 20, null],
  ['key1', 10, 'first, a longer value than thirty-two bytes'],
] as const;
const ENCODED = ROWS.map((r) => {
  const e = codec.encode([...r]);
  if (!e.ok) throw new Error(e.message);
  return e.value;
});

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** A transport whose tablet answers every Scan with `answer`; it records the requests. */
function clientAnswering(answer: unknown): { client: DbClient; requests: Record<string, unknown>[] } {
  const requests: Record<string, unknown>[] = [];
  const transport: Transport = {
    connect(endpoint: string): RpcClient {
      return {
        endpoint,
        peer: () => undefined,
        close: () => {},
        call: async (method: string, request: unknown): Promise<Result<unknown>> => {
          if (endpoint === 'ns:1') return method === 'ShowTable' ? ok({ tables: [TABLE] }) : fail(Code.rpcBadRequest, `unexpected ${method}`);
          requests.push(request as Record<string, unknown>);
          return ok(answer);
        },
      };
    },
    listen(): never {
      throw new Error('not used');
    },
  };
  const client = new DbClient(
    { transport, discovery: staticDiscovery('ns:1'), clock: { nowMs: () => 1_000, monotonicMs: () => 0 }, sleep: async () => {} },
    { requestTimeoutMs: 60_000, retryDelayMs: 1, retriesMax: 2 },
  );
  return { client, requests };
}

const EXPECTED = ROWS.map(([k, ts, v]) => ({ tsMs: ts, values: [k, ts, v] }));

describe('DbClient.scan answers', () => {
  it('asks for a packed answer and reads packedRows', async () => {
    const { client, requests } = clientAnswering({ rows: [], tss: [30, 20, 10], packedRows: concat(ENCODED) });
    expect(await client.scan('db', 't', { key: 'key1', limit: 3 })).toEqual(ok(EXPECTED));
    expect(requests).toEqual([{ tid: 7, pid: 0, index: 'by_k', key: 'key1', packed: true, limit: 3 }]);
  });

  it('reads rows from a tablet that does not know the flag', async () => {
    const { client } = clientAnswering({ rows: ENCODED, tss: [30, 20, 10] });
    expect(await client.scan('db', 't', { key: 'key1' })).toEqual(ok(EXPECTED));
  });

  it('reads an empty answer in both forms', async () => {
    expect(await clientAnswering({ rows: [], tss: [], packedRows: new Uint8Array(0) }).client.scan('db', 't', { key: 'x' })).toEqual(ok([]));
    expect(await clientAnswering({ rows: [], tss: [] }).client.scan('db', 't', { key: 'x' })).toEqual(ok([]));
  });

  it('fails clearly on a malformed answer', async () => {
    const packed = concat(ENCODED);
    const cases: [unknown, string][] = [
      [{ rows: [], tss: [30, 20, 10, 5], packedRows: packed }, 'row 3 of 4 does not fit'],
      [{ rows: [], tss: [30, 20], packedRows: packed }, `'packedRows' holds ${ENCODED[2]!.length} bytes after its 2 rows`],
      [{ rows: [], tss: [30, 20, 10], packedRows: packed.subarray(0, packed.length - 1) }, 'row 2 of 3 does not fit'],
      [{ rows: [], tss: [30], packedRows: 'text' }, "'packedRows' is not binary"],
      [{ rows: ENCODED, tss: [30] }, '3 rows for 1 ts'],
      [{ rows: ENCODED }, "'tss' is not a list"],
    ];
    for (const [answer, message] of cases) {
      const r = await clientAnswering(answer).client.scan('db', 't', { key: 'key1' });
      expect(r).toMatchObject({ ok: false, code: Code.rpcMalformedFrame });
      expect(!r.ok && r.message).toContain(`scan 'db.t' failed: malformed answer from the tablet: ${message}`);
    }
  });
});
