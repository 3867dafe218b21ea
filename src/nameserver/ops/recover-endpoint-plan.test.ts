import { describe, expect, it } from 'vitest';
import { OFFLINE_LEADER_ENDPOINT } from './enums.js';
import { planRecoverEndpoint } from './recover-endpoint-plan.js';
import { tableOf, viewOf } from './view-builder.js';

const summary = (plan: ReturnType<typeof planRecoverEndpoint>) =>
  plan.ops.map((o) => `${o.target.pid} ${o.spec.opType} ${'endpoint' in o.spec.data ? o.spec.data.endpoint : ''} ${JSON.stringify(o.spec.data)}`);

describe('planRecoverEndpoint (§6.3)', () => {
  const t = tableOf(1, 't', [
    ['b*', 'a-', 'c'], // a dead follower → recover
    ['a*-', 'b*', 'c'], // a was the leader → recover (+ restore leadership with need_restore)
    ['b*', 'a', 'c'], // a alive in a multi-replica partition → skip
    ['a*'], // the only replica → recover even though alive
  ]);
  const view = viewOf({ tables: [t], healthy: ['a', 'b', 'c'] });

  it('recovers every dead (or only) replica, with the normal delta', () => {
    expect(summary(planRecoverEndpoint(view, 'a', { needRestore: false, concurrency: 2, checkBinlogSyncProgressDelta: 100 }))).toEqual([
      '0 kRecoverTableOP a {"endpoint":"a","offsetDelta":100,"isLeader":false,"concurrency":2}',
      '1 kRecoverTableOP a {"endpoint":"a","offsetDelta":100,"isLeader":true,"concurrency":2}',
      '3 kRecoverTableOP a {"endpoint":"a","offsetDelta":100,"isLeader":true,"concurrency":2}',
    ]);
  });

  it('with need_restore waits for a full catch-up and gives former leaderships back', () => {
    const plan = planRecoverEndpoint(view, 'a', { needRestore: true, concurrency: 3, checkBinlogSyncProgressDelta: 100 });
    expect(summary(plan)).toEqual([
      '0 kRecoverTableOP a {"endpoint":"a","offsetDelta":0,"isLeader":false,"concurrency":3}',
      '1 kRecoverTableOP a {"endpoint":"a","offsetDelta":0,"isLeader":true,"concurrency":3}',
      '1 kChangeLeaderOP  {"followers":["c","a"],"candidate":"a","leader":null,"offset":null,"term":null,"fencedOffset":null}',
      `1 kRecoverTableOP ${OFFLINE_LEADER_ENDPOINT} {"endpoint":"${OFFLINE_LEADER_ENDPOINT}","offsetDelta":0,"isLeader":true,"concurrency":3}`,
      '3 kRecoverTableOP a {"endpoint":"a","offsetDelta":0,"isLeader":true,"concurrency":3}',
    ]);
    expect(plan.notes).toEqual([]);
  });
});
