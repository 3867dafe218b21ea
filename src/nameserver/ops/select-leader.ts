/**
 * SelectLeader's decision (cluster.md §6.2): after every follower has been fenced with the new
 * term and reported its last offset, the new leader is the explicit candidate, or else the
 * follower with the highest offset (a random one among ties, through the injected Rng).
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Rng } from '../../ports/clock.js';
import type { TablePartition } from '../../protocol/schema.js';
import { aliveLeader } from './cluster-view.js';
import type { FollowerOffset } from './task-defs.js';

export interface SelectLeaderInput {
  /** The op's followers (ChangeLeaderData.followers). */
  readonly followers: readonly string[];
  /** What FollowOfNoOne returned, one entry per follower that answered. */
  readonly offsets: readonly FollowerOffset[];
  readonly candidate: string | null;
}

export interface SelectedLeader {
  readonly leader: string;
  /** The new leader's last offset; its term starts at offset + 1. */
  readonly offset: number;
}

export function selectLeader(input: SelectLeaderInput, rng: Rng): Result<SelectedLeader> {
  const byEndpoint = new Map(input.offsets.map((o) => [o.endpoint, o.offset]));
  if (input.followers.length === 0) return fail(Code.noAliveFollower, 'select leader failed: the op has no followers');
  // Followers that did not answer are left out (the op marks them not alive when the new leader
  // takes over) rather than failing the op, which would leave a fenced partition with no leader.
  const answered = input.followers.filter((f) => byEndpoint.has(f));
  if (answered.length === 0) {
    return fail(Code.noAliveFollower, `select leader failed: no follower answered (${input.followers.join(', ')})`);
  }
  if (input.candidate !== null) {
    const offset = byEndpoint.get(input.candidate);
    if (offset === undefined || !input.followers.includes(input.candidate)) {
      return fail(Code.invalidParameter, `select leader failed: candidate ${input.candidate} is not one of the answering followers`);
    }
    return ok({ leader: input.candidate, offset });
  }
  const max = Math.max(...answered.map((f) => byEndpoint.get(f)!));
  const best = answered.filter((f) => byEndpoint.get(f) === max);
  const leader = best.length === 1 ? best[0]! : best[rng.int(best.length)]!;
  return ok({ leader, offset: max });
}

/**
 * The safety check that runs before a leader change touches anything: with auto_failover on, a
 * partition that still has an alive leader is not taken over (the reference's SelectLeader check;
 * we also apply it before fencing).
 */
export function leaderChangeAllowed(partition: TablePartition, autoFailover: boolean): Result<void> {
  const leader = aliveLeader(partition);
  if (autoFailover && leader) {
    return fail(Code.leaderIsAlive, `change leader refused: auto_failover is on and ${leader.endpoint} is still the alive leader of pid ${partition.pid}`);
  }
  return ok(undefined);
}
