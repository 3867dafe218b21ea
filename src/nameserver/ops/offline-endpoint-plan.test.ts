import { describe, expect, it } from 'vitest';
import { planOfflineEndpoint } from './offline-endpoint-plan.js';
import { tableOf, viewOf } from './view-builder.js';

const summary = (plan: ReturnType<typeof planOfflineEndpoint>) =>
  plan.ops.map((o) => `${o.target.tid}/${o.target.pid} ${o.spec.opType} ${JSON.stringify(o.spec.data)} c=${o.concurrency}`);

describe('planOfflineEndpoint (§6.2)', () => {
  it('chooses per partition: status update, leader change or replica offline', () => {
    const t = tableOf(1, 't', [
      ['a*', 'b', 'c'], // a leads → change leader
      ['b*', 'a', 'c'], // a follows an alive leader → offline replica
      ['b*-', 'a', 'c'], // no alive leader → change leader
      ['b*', 'c'], // a not a replica → nothing
    ]);
    const single = tableOf(2, 's', [['a*']]);
    const view = viewOf({ tables: [t, single], healthy: ['b', 'c'], offline: { a: 0 } });
    expect(summary(planOfflineEndpoint(view, 'a', 2))).toEqual([
      '1/0 kChangeLeaderOP {"followers":["b","c"],"candidate":null,"leader":null,"offset":null,"term":null,"fencedOffset":null} c=2',
      '1/1 kOfflineReplicaOP {"endpoint":"a"} c=2',
      '1/2 kChangeLeaderOP {"followers":["c"],"candidate":null,"leader":null,"offset":null,"term":null,"fencedOffset":null} c=2',
      '2/0 kUpdatePartitionStatusOP {"endpoint":"a","isLeader":true,"isAlive":false} c=2',
    ]);
  });

  it('followers must be alive, not leader, on healthy tablets; none means no op', () => {
    const t = tableOf(1, 't', [['a*', 'b-', 'c'], ['a*', 'b-']]);
    const view = viewOf({ tables: [t], healthy: ['b'], offline: { a: 0, c: 0 } });
    const plan = planOfflineEndpoint(view, 'a', 4);
    expect(plan.ops).toEqual([]);
    expect(plan.notes.map((n) => n.pid)).toEqual([0, 1]);
  });

  it('leaves a dead leader alone when another replica already leads alive', () => {
    const t = tableOf(1, 't', [['a*-', 'b*', 'c']]);
    expect(planOfflineEndpoint(viewOf({ tables: [t], healthy: ['b', 'c'], offline: { a: 0 } }), 'a', 2).ops).toEqual([]);
  });
});
