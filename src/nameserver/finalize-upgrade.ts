/**
 * The finalize step of a rolling upgrade (DESIGN-versions.md): the cluster version is raised to
 * `target` only when every node the nameserver knows runs `target` or newer. Pure: the shell
 * gathers the nodes and writes the result.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import { compareVersions, isVersion } from '../protocol/version.js';

export interface NodeVersion {
  readonly role: 'nameserver' | 'tablet';
  readonly endpoint: string;
  readonly version: string;
  /** 'kHealthy' / 'kOffline' for tablets, 'leader' / 'standby' for nameservers. */
  readonly state: string;
}

export interface FinalizeDecision {
  readonly previous: string | undefined;
  readonly clusterVersion: string;
  /** False when the cluster is already at `clusterVersion` (nothing to write). */
  readonly changed: boolean;
}

/** The lowest version among `nodes` (the version a new cluster starts at), or `fallback` without nodes. */
export function lowestVersion(nodes: readonly NodeVersion[], fallback: string): string {
  let lowest = fallback;
  for (const n of nodes) if (isVersion(n.version) && compareVersions(n.version, lowest) < 0) lowest = n.version;
  return lowest;
}

export function decideFinalize(target: string, current: string | undefined, nodes: readonly NodeVersion[]): Result<FinalizeDecision> {
  if (!isVersion(target)) return fail(Code.invalidParameter, `finalize upgrade failed: '${target}' is not a version (expected like 0.2.0)`);
  if (current !== undefined && compareVersions(target, current) < 0) {
    return fail(
      Code.invalidParameter,
      `finalize upgrade to ${target} refused: the cluster version is already ${current} and is never lowered`,
    );
  }
  const laggards = nodes.filter((n) => compareVersions(n.version, target) < 0);
  if (laggards.length > 0) {
    const named = laggards
      .map((n) => `${n.role} ${n.endpoint} runs ${n.version}${n.state === 'kOffline' ? ' (offline)' : ''}`)
      .join(', ');
    return fail(
      Code.invalidParameter,
      `finalize upgrade to ${target} refused: ${laggards.length} node(s) run an older version: ${named}; ` +
        `upgrade them (or remove offline tablets) first`,
    );
  }
  return ok({ previous: current, clusterVersion: target, changed: current === undefined || compareVersions(target, current) !== 0 });
}
