/**
 * The leader's view of one follower of one partition, as a pure state machine (cluster.md §7.5):
 * events in (replies, read results, polls), one action out. It never awaits and never reads a
 * clock; the shell (src/tablet/follower-link.ts) performs each action and feeds the outcome back.
 *
 *   matching ──matchReplied──► syncing ──(follower needs an entry the log no longer holds)──► needsSnapshot
 *       ▲ rpcFailed: retry after matchRetryMs      │ read → send → appendReplied → read …
 *       └──────────────────────────────────────────┘ rpcFailed: resend the same batch after coffeeTimeMs
 *   any reply whose term is above the leader's ──► steppedDown
 *
 * At most one action is outstanding; the shell must answer it (or poll again after sleep/idle)
 * before asking for the next.
 */
import { assert, unreachable } from '../base/assert.js';
import type { LogEntry } from '../binlog/log-entry.js';

export interface TrackerLimits {
  /** Most entries per AppendEntries (binlog_sync_batch_size). */
  readonly batchEntriesMax: number;
  /** Most row bytes per AppendEntries (a batch holds at least one entry whatever its size). */
  readonly batchBytesMax: number;
  /** Back-off after a failed send or read (binlog_coffee_time). */
  readonly coffeeTimeMs: number;
  /** Retry period of the offset handshake (binlog_match_logoffset_interval). */
  readonly matchRetryMs: number;
}

/** The part of the leader's binlog a reader can see now. */
export interface LogBounds {
  /** Oldest offset still held (entries below it were deleted after a snapshot). */
  readonly firstOffset: number;
  /** Last offset readers can see (the writer's flushed offset). */
  readonly lastOffset: number;
}

export type TrackerEvent =
  /** What next? (at start, after sleep/idle, or when new entries were written) */
  | { readonly kind: 'poll' }
  | { readonly kind: 'matchReplied'; readonly followerOffset: number; readonly followerTerm: number; readonly fenced: boolean }
  | { readonly kind: 'entriesRead'; readonly entries: readonly LogEntry[] }
  | { readonly kind: 'readFailed'; readonly message: string }
  | { readonly kind: 'appendReplied'; readonly followerOffset: number; readonly followerTerm: number; readonly fenced: boolean }
  /** The match or send RPC failed (transport error or a refusal other than term fencing). */
  | { readonly kind: 'rpcFailed'; readonly message: string };

export type TrackerAction =
  /** Send an empty AppendEntries with preLogIndex 0: the follower answers its last offset. */
  | { readonly kind: 'match'; readonly term: number }
  /** Read up to `maxEntries` entries from `fromOffset` out of the leader's binlog. */
  | { readonly kind: 'read'; readonly fromOffset: number; readonly maxEntries: number }
  | { readonly kind: 'send'; readonly term: number; readonly preLogIndex: number; readonly entries: readonly LogEntry[] }
  /** Back off: poll again after `delayMs`. */
  | { readonly kind: 'sleep'; readonly delayMs: number }
  /** Caught up: poll again when the leader writes (or after an idle wait). */
  | { readonly kind: 'idle' }
  /** Halted: the follower needs `followerOffset + 1`, which the leader's log no longer holds. */
  | { readonly kind: 'needsSnapshot'; readonly followerOffset: number; readonly leaderFirstOffset: number }
  /** Halted: a follower has a newer term; the leader must stop writing. */
  | { readonly kind: 'stepDown'; readonly term: number };

export type TrackerPhase = 'matching' | 'syncing' | 'needsSnapshot' | 'steppedDown';

type Outstanding = 'none' | 'match' | 'read' | 'send';

/** Bytes counted per entry besides its row (header, positions): keeps tiny rows from making huge batches. */
const ENTRY_OVERHEAD_BYTES = 64;

export class FollowerTracker {
  #phase: TrackerPhase = 'matching';
  #outstanding: Outstanding = 'none';
  /** Last offset the follower holds, as it last reported; -1 until the handshake. */
  #ackedOffset = -1;
  /** A batch that was sent and not acknowledged: resent as is. */
  #pending: { readonly preLogIndex: number; readonly entries: readonly LogEntry[] } | undefined;
  #retryAtMs = 0;
  #lastError: string | undefined;
  #higherTerm = 0;
  #firstOffsetSeen = 0;
  #batchesAcked = 0;

  constructor(
    readonly endpoint: string,
    readonly term: number,
    private readonly limits: TrackerLimits,
  ) {
    assert(limits.batchEntriesMax >= 1 && limits.batchBytesMax >= 1, 'batch limits must be positive');
    assert(limits.coffeeTimeMs >= 0 && limits.matchRetryMs >= 0, 'retry delays must not be negative');
  }

  get phase(): TrackerPhase {
    return this.#phase;
  }
  /** The follower's last offset as it last reported it; -1 before the handshake. */
  get ackedOffset(): number {
    return this.#ackedOffset;
  }
  get lastError(): string | undefined {
    return this.#lastError;
  }
  get batchesAcked(): number {
    return this.#batchesAcked;
  }
  get halted(): boolean {
    return this.#phase === 'needsSnapshot' || this.#phase === 'steppedDown';
  }

  step(event: TrackerEvent, log: LogBounds, nowMs: number): TrackerAction {
    switch (event.kind) {
      case 'poll':
        return this.#next(log, nowMs);
      case 'matchReplied':
        this.#expect('match', event.kind);
        if (this.#fencedBy(event.fenced, event.followerTerm)) return this.#next(log, nowMs);
        if (event.fenced) return this.#failed(`follower refused the handshake with term ${event.followerTerm}`, this.limits.matchRetryMs, nowMs, log);
        this.#ackedOffset = event.followerOffset;
        this.#phase = 'syncing';
        this.#lastError = undefined;
        return this.#next(log, nowMs);
      case 'entriesRead':
        this.#expect('read', event.kind);
        return this.#batchRead(event.entries, log, nowMs);
      case 'readFailed':
        this.#expect('read', event.kind);
        return this.#failed(`reading the binlog failed: ${event.message}`, this.limits.coffeeTimeMs, nowMs, log);
      case 'appendReplied': {
        this.#expect('send', event.kind);
        if (this.#fencedBy(event.fenced, event.followerTerm)) return this.#next(log, nowMs);
        if (event.fenced) return this.#failed(`follower refused entries with term ${event.followerTerm}`, this.limits.coffeeTimeMs, nowMs, log);
        // The follower's own offset is authoritative: below what was sent means it lost or
        // skipped entries (e.g. a gap), and the next read starts right after it.
        this.#ackedOffset = event.followerOffset;
        this.#pending = undefined;
        this.#batchesAcked++;
        this.#lastError = undefined;
        return this.#next(log, nowMs);
      }
      case 'rpcFailed': {
        assert(this.#outstanding === 'match' || this.#outstanding === 'send', `rpcFailed while ${this.#outstanding} is outstanding`);
        const delay = this.#outstanding === 'match' ? this.limits.matchRetryMs : this.limits.coffeeTimeMs;
        return this.#failed(event.message, delay, nowMs, log);
      }
      default:
        return unreachable(event, 'tracker event');
    }
  }

  #expect(outstanding: Outstanding, event: string): void {
    if (this.#outstanding !== outstanding) assert(false, `${event} while ${this.#outstanding} is outstanding`);
    this.#outstanding = 'none';
  }

  #fencedBy(fenced: boolean, followerTerm: number): boolean {
    if (!fenced || followerTerm <= this.term) return false;
    this.#phase = 'steppedDown';
    this.#higherTerm = followerTerm;
    this.#pending = undefined;
    this.#lastError = `follower ${this.endpoint} has term ${followerTerm}, above this leader's term ${this.term}`;
    return true;
  }

  #failed(message: string, delayMs: number, nowMs: number, log: LogBounds): TrackerAction {
    this.#outstanding = 'none';
    this.#lastError = message;
    this.#retryAtMs = nowMs + delayMs;
    return this.#next(log, nowMs);
  }

  #next(log: LogBounds, nowMs: number): TrackerAction {
    assert(this.#outstanding === 'none', `a ${this.#outstanding} is still outstanding`);
    switch (this.#phase) {
      case 'steppedDown':
        return { kind: 'stepDown', term: this.#higherTerm };
      case 'needsSnapshot':
        return { kind: 'needsSnapshot', followerOffset: this.#ackedOffset, leaderFirstOffset: this.#firstOffsetSeen };
      case 'matching':
        if (nowMs < this.#retryAtMs) return { kind: 'sleep', delayMs: this.#retryAtMs - nowMs };
        this.#outstanding = 'match';
        return { kind: 'match', term: this.term };
      case 'syncing':
        return this.#sync(log, nowMs);
      default:
        return unreachable(this.#phase, 'tracker phase');
    }
  }

  #sync(log: LogBounds, nowMs: number): TrackerAction {
    if (nowMs < this.#retryAtMs) return { kind: 'sleep', delayMs: this.#retryAtMs - nowMs };
    if (this.#pending) {
      this.#outstanding = 'send';
      return { kind: 'send', term: this.term, preLogIndex: this.#pending.preLogIndex, entries: this.#pending.entries };
    }
    const acked = this.#ackedOffset;
    if (acked >= log.lastOffset) return { kind: 'idle' };
    if (acked + 1 < log.firstOffset) {
      this.#phase = 'needsSnapshot';
      this.#firstOffsetSeen = log.firstOffset;
      this.#lastError = `follower ${this.endpoint} needs offset ${acked + 1} but the leader's binlog starts at ${log.firstOffset}`;
      return { kind: 'needsSnapshot', followerOffset: acked, leaderFirstOffset: log.firstOffset };
    }
    this.#outstanding = 'read';
    return { kind: 'read', fromOffset: acked + 1, maxEntries: Math.min(this.limits.batchEntriesMax, log.lastOffset - acked) };
  }

  #batchRead(entries: readonly LogEntry[], log: LogBounds, nowMs: number): TrackerAction {
    const from = this.#ackedOffset + 1;
    if (entries.length === 0) {
      // The log said more was readable but the reader found nothing yet: try again shortly.
      return this.#failed(`the binlog has no entry at offset ${from} yet`, this.limits.coffeeTimeMs, nowMs, log);
    }
    let bytes = 0;
    let take = 0;
    for (const entry of entries) {
      const size = ENTRY_OVERHEAD_BYTES + (entry.row?.length ?? 0);
      if (take > 0 && (bytes + size > this.limits.batchBytesMax || take >= this.limits.batchEntriesMax)) break;
      if (entry.offset !== from + take) {
        return this.#failed(`the binlog read returned offset ${entry.offset} where ${from + take} was expected`, this.limits.coffeeTimeMs, nowMs, log);
      }
      bytes += size;
      take++;
    }
    this.#pending = { preLogIndex: this.#ackedOffset, entries: take === entries.length ? entries : entries.slice(0, take) };
    this.#outstanding = 'send';
    return { kind: 'send', term: this.term, preLogIndex: this.#pending.preLogIndex, entries: this.#pending.entries };
  }
}
