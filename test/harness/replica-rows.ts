import type { Transport } from '../../src/ports/transport.js';
import { callTablet } from '../../src/protocol/typed-call.js';

/** Every row of one replica, as sorted `ts:hex` strings, read straight from its tablet (Traverse). */
export async function replicaRows(transport: Transport, endpoint: string, tid: number, pid: number): Promise<string[]> {
  const client = transport.connect(endpoint);
  const out: string[] = [];
  let cursor: string | undefined;
  try {
    for (;;) {
      const r = await callTablet(client, 'Traverse', { tid, pid, limit: 1000, ...(cursor ? { cursor } : {}) });
      if (!r.ok) throw new Error(`traverse ${endpoint} ${tid}/${pid}: ${r.message}`);
      for (let i = 0; i < r.value.rows.length; i++) out.push(`${r.value.tss[i]}:${Buffer.from(r.value.rows[i]!).toString('hex')}`);
      cursor = r.value.cursor;
      if (!cursor) break;
    }
  } finally {
    client.close();
  }
  return out.sort();
}
