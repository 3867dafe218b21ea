/**
 * What the nameserver does when a tablet's registration node goes away or comes back
 * (cluster.md §6.1). These decide; the shell acts: it applies the alive edits (persist, notify),
 * then submits the offline / recover request to the engine with origin 'autoFailover'.
 */
import type { ClusterView } from './cluster-view.js';
import { endpointTableAliveEdits } from './endpoint-table-alive.js';
import type { MetaEdit } from './meta-edit.js';
import type { OpRequest } from './op-requests.js';

export interface TabletOfflineInput {
  readonly endpoint: string;
  readonly view: ClusterView;
  readonly nowMs: number;
  /** When the tablet went offline (the shell's offline-endpoint record). */
  readonly offlineSinceMs: number;
  readonly tabletHeartbeatTimeoutMs: number;
  /** Re-check period during the grace time (tablet_offline_check_interval). */
  readonly tabletOfflineCheckIntervalMs: number;
  /** Forced by a `startup_` re-registration: no grace period, and the tablet is healthy by now. */
  readonly startup: boolean;
}

export type TabletOfflineDecision =
  | { readonly kind: 'ignore'; readonly reason: string }
  | { readonly kind: 'recheck'; readonly afterMs: number }
  /** auto_failover is off: metadata is left as it is; an operator must act. */
  | { readonly kind: 'noAutoFailover' }
  /** Mark the endpoint's replicas dead (never a partition's last alive one), then take it offline. */
  | { readonly kind: 'failover'; readonly aliveEdits: readonly MetaEdit[]; readonly offline: OpRequest };

export function decideTabletOffline(input: TabletOfflineInput): TabletOfflineDecision {
  const { view, endpoint } = input;
  if (!input.startup && view.tablets.get(endpoint)?.state === 'kHealthy') return { kind: 'ignore', reason: 'the tablet is healthy again' };
  if (view.tables.size === 0) return { kind: 'ignore', reason: 'there are no tables' };
  if (!input.startup && input.nowMs < input.offlineSinceMs + input.tabletHeartbeatTimeoutMs) {
    return { kind: 'recheck', afterMs: offlineCheckDelayMs(input.tabletOfflineCheckIntervalMs, input.offlineSinceMs + input.tabletHeartbeatTimeoutMs - input.nowMs) };
  }
  if (!view.autoFailover) return { kind: 'noAutoFailover' };
  return {
    kind: 'failover',
    aliveEdits: endpointTableAliveEdits(view.tables.values(), endpoint, false),
    offline: { kind: 'offlineEndpoint', endpoint },
  };
}

/**
 * When to look at an offline tablet next: every `tablet_offline_check_interval`, but never later
 * than the end of its grace time (the reference checks only on the interval, so a grace time
 * shorter than the interval — e.g. tablet_heartbeat_timeout=0 — still waited one interval).
 */
export function offlineCheckDelayMs(checkIntervalMs: number, graceLeftMs: number): number {
  return Math.max(0, Math.min(checkIntervalMs, graceLeftMs));
}

export interface TabletOnlineInput {
  readonly endpoint: string;
  /** The registration value started with `startup_`: the process restarted and holds nothing. */
  readonly startup: boolean;
  readonly autoFailover: boolean;
  /** When it went offline, if the shell has an offline record for it. */
  readonly offlineSinceMs: number | undefined;
  readonly nowMs: number;
  readonly tabletHeartbeatTimeoutMs: number;
}

export type TabletOnlineDecision =
  /** auto_failover off: only forget the offline record; the operator runs recoverendpoint. */
  | { readonly kind: 'forgetOffline' }
  | { readonly kind: 'nothing'; readonly reason: string }
  /**
   * Recover the endpoint's replicas. With `offlineFirst` (a restarted process) the shell first runs
   * the offline path with startup=true (dead marks + offline ops), then submits `recover`.
   */
  | { readonly kind: 'recover'; readonly offlineFirst: boolean; readonly recover: OpRequest };

export function decideTabletOnline(input: TabletOnlineInput): TabletOnlineDecision {
  if (!input.autoFailover) return { kind: 'forgetOffline' };
  const recover: OpRequest = { kind: 'recoverEndpoint', endpoint: input.endpoint, needRestore: false };
  if (input.startup) return { kind: 'recover', offlineFirst: true, recover };
  if (input.offlineSinceMs === undefined) return { kind: 'nothing', reason: 'no offline record for this tablet' };
  if (input.nowMs - input.offlineSinceMs < input.tabletHeartbeatTimeoutMs) {
    return { kind: 'nothing', reason: 'back within tablet_heartbeat_timeout (a session blip)' };
  }
  return { kind: 'recover', offlineFirst: false, recover };
}
