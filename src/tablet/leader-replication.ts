/**
 * The two sides of the seam between a leader partition and its replicator, in a file of their own
 * so neither imports the other.
 */
import type { Result } from '../base/status.js';
import type { LogBounds } from '../replication/follower-tracker.js';

/** What a leader partition asks of its replicator on the write path. */
export interface LeaderReplication {
  /** Entries were appended (called once per write request; must be cheap). */
  notifyAppended(): void;
  /** Resolves once every follower has acknowledged `offset`; fails at the sync timeout. */
  waitReplicated(offset: number): Promise<Result<void>>;
  /** Lowest binlog offset a follower still needs (Infinity when none needs any). */
  retainFromOffset(): number;
}

/** What the replicator reads from the leader partition. */
export interface ReplicatedLog {
  readonly tid: number;
  readonly pid: number;
  /** e.g. `'ads' (tid 3, pid 0)`, for messages. */
  describe(): string;
  readonly binlogDir: string;
  /** What readers of the binlog can see now. */
  logBounds(): LogBounds;
  /** Last offset written (maybe not yet visible to readers). */
  readonly offset: number;
  whenFlushed(offset: number): Promise<Result<void>>;
  /** A follower has a newer term: stop accepting writes. */
  stepDown(message: string): void;
}
