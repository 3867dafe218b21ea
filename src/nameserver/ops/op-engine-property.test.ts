/**
 * Property tests: random interleavings of commands, tablet progress, failures, polls, ticks,
 * tablet crashes, cancels and nameserver failovers. After every event the engine's invariants
 * hold (no op twice, only heads run, one running op per partition, bounded history); once the
 * cluster heals and every task is answered, every op has finished and only failed ops keep a
 * record in ZooKeeper.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../base/seeded-rng.js';
import { isFinished } from './enums.js';
import { FakeShell } from './fake-shell.js';
import { DEFAULT_OP_ENGINE_CONFIG, OpEngine, type OpEngineConfig } from './op-engine.js';
import type { OpRequest } from './op-requests.js';

const ENDPOINTS = ['a', 'b', 'c', 'd'] as const;
const ep = fc.constantFrom(...ENDPOINTS);
const pid = fc.integer({ min: 0, max: 3 });

type Event =
  | { e: 'submit'; req: OpRequest }
  | { e: 'tablets'; fail: boolean }
  | { e: 'poll' }
  | { e: 'tick'; ms: number }
  | { e: 'answer'; lose: boolean }
  | { e: 'kill'; ep: string }
  | { e: 'register'; ep: string }
  | { e: 'cancel'; opId: number }
  | { e: 'nsFailover' }
  | { e: 'autoFailover'; on: boolean };

const request: fc.Arbitrary<OpRequest> = fc.oneof(
  fc.record({ kind: fc.constant('makeSnapshot' as const), db: fc.constant('db'), name: fc.constant('t'), pid }),
  fc.record({ kind: fc.constant('addReplica' as const), db: fc.constant('db'), name: fc.constant('t'), pids: fc.tuple(pid).map((p) => p), endpoint: ep }),
  fc.record({ kind: fc.constant('delReplica' as const), db: fc.constant('db'), name: fc.constant('t'), pids: fc.tuple(pid).map((p) => p), endpoint: ep }),
  fc.record({ kind: fc.constant('changeLeader' as const), db: fc.constant('db'), name: fc.constant('t'), pid, candidate: fc.constant('auto') }),
  fc.record({
    kind: fc.constant('migrate' as const),
    srcEndpoint: ep,
    db: fc.constant('db'),
    name: fc.constant('t'),
    pids: fc.tuple(pid).map((p) => p),
    desEndpoint: ep,
  }),
  fc.record({ kind: fc.constant('recoverTable' as const), db: fc.constant('db'), name: fc.constant('t'), pid, endpoint: ep }),
  fc.record({ kind: fc.constant('offlineEndpoint' as const), endpoint: ep, concurrency: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('recoverEndpoint' as const), endpoint: ep }),
);

const event: fc.Arbitrary<Event> = fc.oneof(
  { weight: 4, arbitrary: request.map((req) => ({ e: 'submit' as const, req })) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 4 }).map((n) => ({ e: 'tablets' as const, fail: n === 0 })) },
  { weight: 5, arbitrary: fc.constant({ e: 'poll' as const }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 70_000 }).map((ms) => ({ e: 'tick' as const, ms })) },
  { weight: 5, arbitrary: fc.boolean().map((lose) => ({ e: 'answer' as const, lose })) },
  { weight: 1, arbitrary: ep.map((e) => ({ e: 'kill' as const, ep: e })) },
  { weight: 1, arbitrary: ep.map((e) => ({ e: 'register' as const, ep: e })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map((opId) => ({ e: 'cancel' as const, opId })) },
  { weight: 1, arbitrary: fc.constant({ e: 'nsFailover' as const }) },
  { weight: 1, arbitrary: fc.boolean().map((on) => ({ e: 'autoFailover' as const, on })) },
);

function world(seed: number, config: OpEngineConfig) {
  let failNext = false;
  const s = new FakeShell(new OpEngine(config, seededRng(seed)), {
    manualLocal: true,
    failTabletTask: () => failNext,
  });
  for (const e of ENDPOINTS) s.addTablet(e);
  s.addTable(1, 't', [
    ['a', 'b', 'c'],
    ['b', 'c', 'a'],
    ['c', 'a', 'd'],
    ['d', 'b'],
  ]);
  for (const [p, leader] of [[0, 'a'], [1, 'b'], [2, 'c'], [3, 'd']] as const) {
    s.write(1, p, leader, 10 + p);
    s.replicate(1, p, leader);
  }
  return { s, setFail: (f: boolean) => (failNext = f), config, seed };
}

function apply(w: ReturnType<typeof world>, ev: Event): void {
  const { s } = w;
  switch (ev.e) {
    case 'submit':
      s.submit(ev.req);
      break;
    case 'tablets':
      w.setFail(ev.fail);
      s.completeTabletTasks();
      w.setFail(false);
      break;
    case 'poll':
      s.poll();
      break;
    case 'tick':
      s.advance(ev.ms);
      s.tick();
      break;
    case 'answer':
      if (s.pendingLocal.length === 0) break;
      if (ev.lose) s.pendingLocal.shift(); // the report is lost: the task stays Doing until a failover
      else s.answerLocal();
      break;
    case 'kill':
      s.killTablet(ev.ep);
      break;
    case 'register':
      s.registerTablet(ev.ep);
      break;
    case 'cancel': {
      const r = s.engine.cancel(ev.opId, s.view(), s.nowMs);
      if (r.ok) s.run(r.value);
      break;
    }
    case 'nsFailover':
      s.failoverNameserver(new OpEngine(w.config, seededRng(w.seed + 1)));
      break;
    case 'autoFailover':
      s.autoFailover = ev.on;
      break;
  }
}

/** Heal everything and answer every task; a lost local report needs a nameserver failover to resolve. */
function drain(w: ReturnType<typeof world>): void {
  const { s } = w;
  for (const e of ENDPOINTS) if (!s.isHealthy(e)) s.registerTablet(e);
  s.failoverNameserver(new OpEngine(w.config, seededRng(w.seed + 2)));
  s.manualLocal = false;
  for (let i = 0; i < 200; i++) {
    while (s.pendingLocal.length > 0) s.answerLocal();
    if (s.engine.queueOpIds().flat().length === 0 && s.engine.outstandingTickets().length === 0) return;
    s.completeTabletTasks();
    s.poll();
    s.advance(1_000);
    s.tick();
    s.engine.checkInvariants();
  }
}

const stats = { ops: 0, done: 0 };

describe('op engine properties', () => {
  it('random interleavings keep the invariants, and every op finishes once its tasks are answered', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(event, { minLength: 20, maxLength: 80 }),
        (seed, concurrency, opNumMax, events) => {
          const config = { ...DEFAULT_OP_ENGINE_CONFIG, queueCount: 4, concurrencyMax: 4, concurrencyDefault: concurrency, opNumMax, taskPollMissesMax: 2 };
          const w = world(seed, config);
          for (const ev of events) {
            apply(w, ev);
            w.s.engine.checkInvariants();
          }
          drain(w);
          const { s } = w;
          expect(s.engine.queueOpIds().flat()).toEqual([]);
          expect(s.engine.activeOpIds()).toEqual([]);
          const history = s.engine.show({}, s.nowMs);
          for (const row of history) expect(isFinished(row.status)).toBe(true);
          // Only failed ops keep their ZooKeeper record, and every kept record is a failed op.
          for (const op of s.zkOps.values()) expect(op.taskStatus).toBe('kFailed');
          for (const row of history) if (row.status === 'kFailed') expect(s.zkOps.has(row.opId)).toBe(true);
          expect(history.length).toBeLessThanOrEqual(opNumMax);
          stats.ops += s.opIndex;
          stats.done += history.filter((r) => r.status === 'kDone').length;
        },
      ),
      { numRuns: 150 },
    );
    // The generator must exercise real work, not only rejected commands.
    expect(stats.ops).toBeGreaterThan(200);
    expect(stats.done).toBeGreaterThan(80);
  });
});
