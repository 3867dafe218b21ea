import { describe, expect, it } from 'vitest';
import { decodeOpInfo, encodeOpInfo, type OpInfo, OP_INFO_FORMAT_VERSION, withChangeLeaderData } from './op-info.js';

const op: OpInfo = {
  formatVersion: OP_INFO_FORMAT_VERSION,
  opId: 7,
  opType: 'kChangeLeaderOP',
  data: { followers: ['b', 'c'], candidate: null, leader: null, offset: null, term: null, fencedOffset: null },
  taskIndex: 1,
  taskStatus: 'kDoing',
  startTimeS: 100,
  endTimeS: 0,
  tid: 3,
  db: 'db',
  name: 't',
  pid: 2,
  parentId: null,
  vecIdx: 0,
  forReplicaCluster: false,
};

describe('op records', () => {
  it('round-trip through their persisted form', () => {
    const back = decodeOpInfo(encodeOpInfo(op), 'x');
    expect(back).toEqual({ ok: true, op });
  });

  it('refuse a newer format, an unsupported op type, and garbage', () => {
    const enc = new TextEncoder();
    const newer = decodeOpInfo(enc.encode(JSON.stringify({ ...op, formatVersion: 99 })), '/op/7');
    expect(newer.ok ? '' : newer.message).toMatch(/format version 99/);
    const index = decodeOpInfo(enc.encode(JSON.stringify({ ...op, opType: 'kAddIndexOP' })), '/op/7');
    expect(index.ok ? '' : index.message).toMatch(/kAddIndexOP' is not supported/);
    expect(decodeOpInfo(enc.encode('{'), 'x').ok).toBe(false);
    expect(decodeOpInfo(enc.encode(JSON.stringify({ ...op, opId: 'seven' })), 'x').ok).toBe(false);
  });

  it('change-leader data updates make a new record', () => {
    const next = withChangeLeaderData(op, { leader: 'b', term: 5, offset: 9 });
    expect(next.opType === 'kChangeLeaderOP' && next.data.leader).toBe('b');
    expect(op.data).toMatchObject({ leader: null });
  });
});
