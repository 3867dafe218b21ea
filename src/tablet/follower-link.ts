/**
 * The shell around one FollowerTracker: it performs the tracker's actions (AppendEntries calls,
 * binlog reads, waits) one at a time and feeds the outcomes back. One link per follower endpoint
 * of a leader partition; a link is never restarted (the replicator makes a new one).
 */
import { BinlogReader } from '../binlog/binlog-reader.js';
import type { TimerHandle } from '../ports/clock.js';
import type { RpcClient } from '../ports/transport.js';
import { callTablet } from '../protocol/typed-call.js';
import { encodeEntryBatch } from '../replication/entry-batch.js';
import { FollowerTracker, type TrackerAction, type TrackerEvent } from '../replication/follower-tracker.js';
import type { ReplicatedLog } from './leader-replication.js';
import type { PartitionEnv } from './partition-env.js';
import type { ReplicationOptions } from './replication-options.js';

export type HaltAction = Extract<TrackerAction, { kind: 'needsSnapshot' | 'stepDown' }>;

export interface LinkOwner {
  /** The follower acknowledged entries (its offset may have moved). */
  onAcked(link: FollowerLink): void;
  /** The tracker halted (needs a snapshot, or a newer term was seen). */
  onHalted(link: FollowerLink, action: HaltAction): void;
}

const POLL: TrackerEvent = { kind: 'poll' };
const TAIL_READ_CHUNK_BYTES = 64 * 1024;

export class FollowerLink {
  readonly tracker: FollowerTracker;
  #reader: BinlogReader | undefined;
  #stopped = false;
  /** Ends the current pause, if any. */
  #endPause: (() => void) | undefined;
  #pauseWakeable = false;

  constructor(
    readonly endpoint: string,
    term: number,
    private readonly log: ReplicatedLog,
    private readonly client: RpcClient,
    private readonly env: PartitionEnv,
    private readonly options: ReplicationOptions,
    private readonly owner: LinkOwner,
  ) {
    this.tracker = new FollowerTracker(endpoint, term, {
      batchEntriesMax: options.batchEntriesMax,
      batchBytesMax: options.batchBytesMax,
      coffeeTimeMs: options.coffeeTimeMs,
      matchRetryMs: options.matchRetryMs,
    });
  }

  start(): void {
    void this.#run().catch((error: unknown) => {
      this.env.logger.error('replication link crashed', { endpoint: this.endpoint, table: this.log.describe(), error: String(error) });
    });
  }

  /** New entries may be readable: end an idle wait now. */
  wake(): void {
    if (this.#pauseWakeable) this.#endPause?.();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#endPause?.();
    void this.#reader?.close();
    this.#reader = undefined;
  }

  #step(event: TrackerEvent): TrackerAction {
    return this.tracker.step(event, this.log.logBounds(), this.env.clock.monotonicMs());
  }

  async #run(): Promise<void> {
    let action = this.#step(POLL);
    while (!this.#stopped) {
      switch (action.kind) {
        case 'match':
          action = await this.#append(action.term, 0, undefined, true);
          break;
        case 'read':
          action = await this.#read(action.fromOffset, action.maxEntries);
          break;
        case 'send':
          action = await this.#append(action.term, action.preLogIndex, encodeEntryBatch(action.entries), false);
          break;
        case 'sleep':
          await this.#pause(action.delayMs, false);
          action = this.#step(POLL);
          break;
        case 'idle':
          await this.#idle();
          action = this.#step(POLL);
          break;
        case 'needsSnapshot':
        case 'stepDown':
          if (!this.#stopped) this.owner.onHalted(this, action);
          return;
      }
    }
  }

  async #append(term: number, preLogIndex: number, entries: Uint8Array | undefined, handshake: boolean): Promise<TrackerAction> {
    const request = { tid: this.log.tid, pid: this.log.pid, term, preLogIndex, ...(entries ? { entries } : {}) };
    const r = await callTablet(this.client, 'AppendEntries', request, { timeoutMs: this.options.appendTimeoutMs });
    if (this.#stopped) return POLL_AFTER_STOP;
    if (!r.ok) return this.#step({ kind: 'rpcFailed', message: `AppendEntries to ${this.endpoint} failed: ${r.message}` });
    const { offset, term: followerTerm, fenced } = r.value;
    if (typeof offset !== 'number' || typeof followerTerm !== 'number') {
      return this.#step({ kind: 'rpcFailed', message: `AppendEntries to ${this.endpoint} returned no offset or term` });
    }
    const event: TrackerEvent = handshake
      ? { kind: 'matchReplied', followerOffset: offset, followerTerm, fenced: fenced === true }
      : { kind: 'appendReplied', followerOffset: offset, followerTerm, fenced: fenced === true };
    const next = this.#step(event);
    this.owner.onAcked(this);
    return next;
  }

  async #read(fromOffset: number, maxEntries: number): Promise<TrackerAction> {
    if (!this.#reader) {
      const opened = await BinlogReader.open({
        disk: this.env.disk,
        dir: this.log.binlogDir,
        crc32: this.env.crc32,
        logger: this.env.logger,
        repairTail: false,
        // Tailing reads are small (one batch); a large chunk would allocate that much per batch.
        readChunkBytes: TAIL_READ_CHUNK_BYTES,
      });
      if (this.#stopped) return POLL_AFTER_STOP;
      if (!opened.ok) return this.#step({ kind: 'readFailed', message: opened.message });
      this.#reader = opened.value.reader;
    }
    const read = await this.#reader.readFrom(fromOffset, maxEntries);
    if (this.#stopped) return POLL_AFTER_STOP;
    if (!read.ok) {
      void this.#reader.close();
      this.#reader = undefined;
      return this.#step({ kind: 'readFailed', message: read.message });
    }
    return this.#step({ kind: 'entriesRead', entries: read.value });
  }

  /** Caught up with what readers can see: wait for the writer to flush, for a put, or a while. */
  async #idle(): Promise<void> {
    const written = this.log.offset;
    if (written > this.log.logBounds().lastOffset) {
      const flushed = await this.log.whenFlushed(written);
      if (flushed.ok) return;
      await this.#pause(this.options.coffeeTimeMs, false);
      return;
    }
    await this.#pause(this.options.idleWaitMs, true);
  }

  #pause(delayMs: number, wakeable: boolean): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        timer?.cancel();
        if (this.#endPause === end) {
          this.#endPause = undefined;
          this.#pauseWakeable = false;
        }
        resolve();
      };
      this.#endPause = end;
      this.#pauseWakeable = wakeable;
      timer = this.env.timers.after(delayMs, end);
    });
  }
}

/** Returned after stop(): the run loop checks `stopped` before acting on it. */
const POLL_AFTER_STOP: TrackerAction = { kind: 'idle' };
