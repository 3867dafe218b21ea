import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../binlog/log-entry.js';
import { FollowerTracker, type LogBounds, type TrackerAction, type TrackerEvent, type TrackerLimits } from './follower-tracker.js';

const LIMITS: TrackerLimits = { batchEntriesMax: 3, batchBytesMax: 10_000, coffeeTimeMs: 1000, matchRetryMs: 500 };

function entry(offset: number, rowBytes = 10, term = 5): LogEntry {
  return { term, offset, kind: 'put', insertTsMs: 1, indexPositions: [0], row: new Uint8Array(rowBytes) };
}
function entries(from: number, to: number, rowBytes = 10): LogEntry[] {
  const out: LogEntry[] = [];
  for (let o = from; o <= to; o++) out.push(entry(o, rowBytes));
  return out;
}

/** Short, comparable form of an action for golden scripts. */
function show(a: TrackerAction): string {
  switch (a.kind) {
    case 'match':
      return `match term=${a.term}`;
    case 'read':
      return `read from=${a.fromOffset} max=${a.maxEntries}`;
    case 'send':
      return `send pre=${a.preLogIndex} offsets=${a.entries.map((e) => e.offset).join(',')}`;
    case 'sleep':
      return `sleep ${a.delayMs}`;
    case 'idle':
      return 'idle';
    case 'needsSnapshot':
      return `needsSnapshot follower=${a.followerOffset} first=${a.leaderFirstOffset}`;
    case 'stepDown':
      return `stepDown term=${a.term}`;
  }
}

type Step = [TrackerEvent, LogBounds, number];

function run(tracker: FollowerTracker, steps: Step[]): string[] {
  return steps.map(([event, log, now]) => show(tracker.step(event, log, now)));
}

const poll: TrackerEvent = { kind: 'poll' };
const log = (firstOffset: number, lastOffset: number): LogBounds => ({ firstOffset, lastOffset });

describe('FollowerTracker', () => {
  it('matches the follower offset, then pushes batches and goes idle when caught up', () => {
    const t = new FollowerTracker('f:1', 5, LIMITS);
    expect(
      run(t, [
        [poll, log(1, 7), 0],
        [{ kind: 'matchReplied', followerOffset: 2, followerTerm: 5, fenced: false }, log(1, 7), 1],
        [{ kind: 'entriesRead', entries: entries(3, 5) }, log(1, 7), 2],
        [{ kind: 'appendReplied', followerOffset: 5, followerTerm: 5, fenced: false }, log(1, 7), 3],
        [{ kind: 'entriesRead', entries: entries(6, 7) }, log(1, 7), 4],
        [{ kind: 'appendReplied', followerOffset: 7, followerTerm: 5, fenced: false }, log(1, 7), 5],
        [poll, log(1, 8), 6],
      ]),
    ).toEqual([
      'match term=5',
      'read from=3 max=3',
      'send pre=2 offsets=3,4,5',
      'read from=6 max=2',
      'send pre=5 offsets=6,7',
      'idle',
      'read from=8 max=1',
    ]);
    expect(t.phase).toBe('syncing');
    expect(t.batchesAcked).toBe(2);
  });

  it('retries the handshake after matchRetryMs and resends the same batch after coffeeTimeMs', () => {
    const t = new FollowerTracker('f:1', 5, LIMITS);
    expect(
      run(t, [
        [poll, log(1, 4), 0],
        [{ kind: 'rpcFailed', message: 'connection refused' }, log(1, 4), 10],
        [poll, log(1, 4), 300],
        [poll, log(1, 4), 510],
        [{ kind: 'matchReplied', followerOffset: 0, followerTerm: 5, fenced: false }, log(1, 4), 520],
        [{ kind: 'entriesRead', entries: entries(1, 3) }, log(1, 4), 530],
        [{ kind: 'rpcFailed', message: 'timeout' }, log(1, 4), 540],
        [poll, log(1, 4), 1540],
        [{ kind: 'appendReplied', followerOffset: 3, followerTerm: 5, fenced: false }, log(1, 4), 1550],
      ]),
    ).toEqual([
      'match term=5',
      'sleep 500',
      'sleep 210',
      'match term=5',
      'read from=1 max=3',
      'send pre=0 offsets=1,2,3',
      'sleep 1000',
      'send pre=0 offsets=1,2,3',
      'read from=4 max=1',
    ]);
    expect(t.lastError).toBeUndefined();
  });

  it('follows the offset the follower reports, even below what was sent', () => {
    const t = new FollowerTracker('f:1', 5, LIMITS);
    expect(
      run(t, [
        [poll, log(1, 6), 0],
        [{ kind: 'matchReplied', followerOffset: 3, followerTerm: 5, fenced: false }, log(1, 6), 0],
        [{ kind: 'entriesRead', entries: entries(4, 6) }, log(1, 6), 0],
        [{ kind: 'appendReplied', followerOffset: 1, followerTerm: 5, fenced: false }, log(1, 6), 0],
      ]),
    ).toEqual(['match term=5', 'read from=4 max=3', 'send pre=3 offsets=4,5,6', 'read from=2 max=3']);
  });

  it('reports needsSnapshot when the follower needs an entry the leader deleted, and stays halted', () => {
    const t = new FollowerTracker('f:1', 5, LIMITS);
    expect(
      run(t, [
        [poll, log(101, 150), 0],
        [{ kind: 'matchReplied', followerOffset: 40, followerTerm: 5, fenced: false }, log(101, 150), 0],
        [poll, log(101, 151), 99],
      ]),
    ).toEqual(['match term=5', 'needsSnapshot follower=40 first=101', 'needsSnapshot follower=40 first=101']);
    expect(t.phase).toBe('needsSnapshot');
    expect(t.halted).toBe(true);
  });

  it('a follower exactly at the start of the retained log is not behind it', () => {
    const t = new FollowerTracker('f:1', 5, LIMITS);
    run(t, [[poll, log(101, 150), 0]]);
    expect(show(t.step({ kind: 'matchReplied', followerOffset: 100, followerTerm: 5, fenced: false }, log(101, 150), 0))).toBe(
      'read from=101 max=3',
    );
  });

  it('steps down when a follower reports a higher term (handshake or append)', () => {
    const a = new FollowerTracker('f:1', 5, LIMITS);
    expect(
      run(a, [
        [poll, log(1, 3), 0],
        [{ kind: 'matchReplied', followerOffset: 9, followerTerm: 7, fenced: true }, log(1, 3), 0],
        [poll, log(1, 4), 0],
      ]),
    ).toEqual(['match term=5', 'stepDown term=7', 'stepDown term=7']);
    const b = new FollowerTracker('f:1', 5, LIMITS);
    expect(
      run(b, [
        [poll, log(1, 3), 0],
        [{ kind: 'matchReplied', followerOffset: 0, followerTerm: 5, fenced: false }, log(1, 3), 0],
        [{ kind: 'entriesRead', entries: entries(1, 3) }, log(1, 3), 0],
        [{ kind: 'appendReplied', followerOffset: 0, followerTerm: 6, fenced: true }, log(1, 3), 0],
      ]),
    ).toEqual(['match term=5', 'read from=1 max=3', 'send pre=0 offsets=1,2,3', 'stepDown term=6']);
    expect(b.phase).toBe('steppedDown');
  });

  it('cuts a batch at batchBytesMax but always sends at least one entry', () => {
    const t = new FollowerTracker('f:1', 5, { ...LIMITS, batchBytesMax: 300 });
    expect(
      run(t, [
        [poll, log(1, 3), 0],
        [{ kind: 'matchReplied', followerOffset: 0, followerTerm: 5, fenced: false }, log(1, 3), 0],
        [{ kind: 'entriesRead', entries: [entry(1, 1000), entry(2, 10), entry(3, 10)] }, log(1, 3), 0],
        [{ kind: 'appendReplied', followerOffset: 1, followerTerm: 5, fenced: false }, log(1, 3), 0],
        [{ kind: 'entriesRead', entries: [entry(2, 100), entry(3, 100)] }, log(1, 3), 0],
      ]),
    ).toEqual(['match term=5', 'read from=1 max=3', 'send pre=0 offsets=1', 'read from=2 max=2', 'send pre=1 offsets=2']);
  });

  it('backs off when a read fails, returns nothing or returns the wrong offsets', () => {
    const t = new FollowerTracker('f:1', 5, LIMITS);
    expect(
      run(t, [
        [poll, log(1, 5), 0],
        [{ kind: 'matchReplied', followerOffset: 0, followerTerm: 5, fenced: false }, log(1, 5), 0],
        [{ kind: 'readFailed', message: 'disk error' }, log(1, 5), 0],
        [poll, log(1, 5), 1000],
        [{ kind: 'entriesRead', entries: [] }, log(1, 5), 1000],
        [poll, log(1, 5), 2000],
        [{ kind: 'entriesRead', entries: entries(2, 3) }, log(1, 5), 2000],
      ]),
    ).toEqual(['match term=5', 'read from=1 max=3', 'sleep 1000', 'read from=1 max=3', 'sleep 1000', 'read from=1 max=3', 'sleep 1000']);
    expect(t.lastError).toContain('offset 2 where 1 was expected');
  });

  it('refuses an event that does not answer the outstanding action (a shell bug)', () => {
    const t = new FollowerTracker('f:1', 5, LIMITS);
    expect(() => t.step({ kind: 'entriesRead', entries: [] }, log(1, 1), 0)).toThrow(/while none is outstanding/);
    t.step(poll, log(1, 1), 0);
    expect(() => t.step(poll, log(1, 1), 0)).toThrow(/match is still outstanding/);
  });

  it('property: against a follower that applies what it is sent, the tracker converges to the leader log', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.constantFrom('ok', 'fail', 'lose'), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 8 }),
        (followerStart, extra, someFaults, batch) => {
          // Each RPC takes the next fault in turn; one 'ok' in the cycle guarantees progress.
          const faults = [...someFaults, 'ok'];
          let rpcs = 0;
          const last = followerStart + extra;
          const t = new FollowerTracker('f', 1, { ...LIMITS, batchEntriesMax: batch });
          let follower = followerStart;
          let now = 0;
          let action = t.step(poll, log(1, last), now);
          for (let i = 0; i < 10_000 && action.kind !== 'idle'; i++) {
            now += 1;
            switch (action.kind) {
              case 'match': {
                const fault = faults[rpcs++ % faults.length];
                action =
                  fault === 'ok'
                    ? t.step({ kind: 'matchReplied', followerOffset: follower, followerTerm: 1, fenced: false }, log(1, last), now)
                    : t.step({ kind: 'rpcFailed', message: 'x' }, log(1, last), now);
                break;
              }
              case 'read': {
                const to = Math.min(last, action.fromOffset + action.maxEntries - 1);
                action = t.step({ kind: 'entriesRead', entries: entries(action.fromOffset, to) }, log(1, last), now);
                break;
              }
              case 'send': {
                const fault = faults[rpcs++ % faults.length];
                // 'fail': the request was lost; 'lose': it was applied but the reply was lost.
                if (fault !== 'fail') for (const e of action.entries) if (e.offset === follower + 1) follower = e.offset;
                action =
                  fault === 'ok'
                    ? t.step({ kind: 'appendReplied', followerOffset: follower, followerTerm: 1, fenced: false }, log(1, last), now)
                    : t.step({ kind: 'rpcFailed', message: 'lost' }, log(1, last), now);
                break;
              }
              case 'sleep':
                now += action.delayMs;
                action = t.step(poll, log(1, last), now);
                break;
              default:
                throw new Error(`unexpected ${show(action)}`);
            }
          }
          expect(action.kind).toBe('idle');
          expect(follower).toBe(last);
          expect(t.ackedOffset).toBe(last);
        },
      ),
      { numRuns: 200 },
    );
  });
});
