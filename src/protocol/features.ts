/**
 * Version-gated features (DESIGN-versions.md). A feature exists from `sinceVersion`; one that
 * changes what other nodes must understand (a new binlog entry format, a new wire meaning) also
 * needs the cluster version to be finalized to at least `sinceVersion`, which happens only once
 * every node runs such a build. Decisions read the version of the node or connection at hand,
 * never only this build's constant, so tests can run builds of several versions side by side.
 */
import { Code, fail, okVoid, type Result } from '../base/status.js';
import type { PeerInfo } from '../ports/transport.js';
import { compareVersions, isCompatibleProtocol, parseVersion, protocolVersionOf } from './version.js';

export type FeatureName = 'idempotentPut';

export interface FeatureDef {
  readonly name: FeatureName;
  readonly sinceVersion: string;
  /** True when the feature may only be used once the cluster version is finalized to sinceVersion. */
  readonly needsClusterVersion: boolean;
  readonly description: string;
}

export const FEATURES: Readonly<Record<FeatureName, FeatureDef>> = {
  idempotentPut: {
    name: 'idempotentPut',
    sinceVersion: '0.2.0',
    needsClusterVersion: true,
    description: 'puts carry a request id; tablets answer a retried request with its original outcome',
  },
};

/** The build at `softwareVersion` knows `feature`. */
export function softwareSupports(feature: FeatureName, softwareVersion: string): boolean {
  return compareVersions(softwareVersion, FEATURES[feature].sinceVersion) >= 0;
}

/** `feature` is in effect on a node running `softwareVersion` in a cluster finalized to `clusterVersion`. */
export function featureActive(feature: FeatureName, softwareVersion: string, clusterVersion: string | undefined): boolean {
  if (!softwareSupports(feature, softwareVersion)) return false;
  if (!FEATURES[feature].needsClusterVersion) return true;
  return clusterVersion !== undefined && compareVersions(clusterVersion, FEATURES[feature].sinceVersion) >= 0;
}

/** The peer of a connection (from its handshake) knows `feature`; false while not connected. */
export function peerSupports(feature: FeatureName, peer: PeerInfo | undefined): boolean {
  return peer !== undefined && softwareSupports(feature, peer.softwareVersion);
}

/**
 * Whether a node running `softwareVersion` may join a cluster finalized to `clusterVersion`: it
 * must not be older (it could not read what finalized features wrote) and must speak a protocol
 * the cluster's nodes accept. No cluster version yet: any version may join.
 */
export function checkJoin(role: string, softwareVersion: string, clusterVersion: string | undefined): Result<void> {
  if (clusterVersion === undefined) return okVoid;
  if (!parseVersion(softwareVersion)) return fail(Code.invalidParameter, `${role} version '${softwareVersion}' is not a version`);
  if (compareVersions(softwareVersion, clusterVersion) < 0) {
    return fail(
      Code.rpcIncompatiblePeer,
      `this ${role} runs version ${softwareVersion}, older than the cluster version ${clusterVersion} (finalized); ` +
        `a node older than the cluster version cannot join: run version ${clusterVersion} or newer`,
    );
  }
  if (!isCompatibleProtocol(protocolVersionOf(softwareVersion), protocolVersionOf(clusterVersion))) {
    return fail(
      Code.rpcIncompatiblePeer,
      `this ${role} runs version ${softwareVersion} (protocol ${protocolVersionOf(softwareVersion)}), too far ahead of ` +
        `the cluster version ${clusterVersion} (protocol ${protocolVersionOf(clusterVersion)}): upgrade one minor version at a time and finalize each`,
    );
  }
  return okVoid;
}
