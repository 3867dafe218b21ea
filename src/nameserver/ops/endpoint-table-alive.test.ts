import { describe, expect, it } from 'vitest';
import { endpointTableAliveEdits } from './endpoint-table-alive.js';
import { tableOf } from './view-builder.js';

describe('endpointTableAliveEdits', () => {
  it('marks the endpoint dead everywhere except where it holds the last alive replica', () => {
    const t1 = tableOf(1, 't1', [['a*', 'b', 'c'], ['b*', 'a', 'c'], ['a*', 'b-', 'c-'], ['b*', 'c']]);
    const t2 = tableOf(2, 't2', [['a*']]);
    expect(endpointTableAliveEdits([t1, t2], 'a', false)).toEqual([
      { kind: 'setReplicaAlive', tid: 1, pid: 0, endpoint: 'a', isAlive: false },
      { kind: 'setReplicaAlive', tid: 1, pid: 1, endpoint: 'a', isAlive: false },
    ]);
  });

  it('marks alive only what is dead', () => {
    const t = tableOf(1, 't', [['a*-', 'b'], ['b*', 'a']]);
    expect(endpointTableAliveEdits([t], 'a', true)).toEqual([{ kind: 'setReplicaAlive', tid: 1, pid: 0, endpoint: 'a', isAlive: true }]);
  });
});
