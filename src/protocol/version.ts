/**
 * Versions and the skew policy. Every connection starts with a handshake carrying both numbers;
 * on-disk formats carry their own format versions. Policy: protocol N talks to N-1 and N+1 in both
 * directions (unknown fields ignored, missing optional fields defaulted); anything further apart is
 * refused at the handshake with a message naming both versions.
 */
declare const __OPENMLDB_VERSION__: string | undefined;

/** Software version; a release build may stamp another with `npm run release -- --version X`. */
export const SOFTWARE_VERSION: string =
  typeof __OPENMLDB_VERSION__ === 'string' && __OPENMLDB_VERSION__.length > 0 ? __OPENMLDB_VERSION__ : '0.1.0';

/** Wire protocol version spoken by this build. */
export const PROTOCOL_VERSION = 1;

/** Protocol versions this build accepts from a peer. */
export const MIN_PEER_PROTOCOL = PROTOCOL_VERSION - 1;
export const MAX_PEER_PROTOCOL = PROTOCOL_VERSION + 1;

export function isCompatibleProtocol(peerProtocol: number): boolean {
  return Number.isInteger(peerProtocol) && peerProtocol >= MIN_PEER_PROTOCOL && peerProtocol <= MAX_PEER_PROTOCOL;
}

export function incompatibleMessage(peerRole: string, peerProtocol: number, peerSoftware: string): string {
  return (
    `incompatible peer: ${peerRole} runs software ${peerSoftware} (protocol ${peerProtocol}), ` +
    `this node runs software ${SOFTWARE_VERSION} (protocol ${PROTOCOL_VERSION}); ` +
    `supported peer protocols are ${MIN_PEER_PROTOCOL}..${MAX_PEER_PROTOCOL}`
  );
}
