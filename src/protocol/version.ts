/**
 * Versions and the skew policy (DESIGN-versions.md). Every connection starts with a handshake
 * carrying both numbers; on-disk formats carry their own format versions. The protocol version is
 * derived from the software version (one per minor release line), so builds one minor apart
 * interoperate in both directions (unknown fields ignored, missing optional fields defaulted) and
 * builds further apart are refused at the handshake with a message naming both versions.
 */
declare const __OPENMLDB_VERSION__: string | undefined;

/** Software version; a release build may stamp another with `npm run release -- --version X`. */
export const SOFTWARE_VERSION: string =
  typeof __OPENMLDB_VERSION__ === 'string' && __OPENMLDB_VERSION__.length > 0 ? __OPENMLDB_VERSION__ : '0.1.0';

export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION_RE = /^(\d{1,6})\.(\d{1,6})\.(\d{1,6})(?:[-.+][0-9A-Za-z.+-]*)?$/;

/** `1.2.3` (a `-suffix` is accepted and ignored); undefined for anything else. */
export function parseVersion(text: string): ParsedVersion | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function isVersion(text: string): boolean {
  return parseVersion(text) !== undefined;
}

/**
 * Numeric order of major.minor.patch; negative when a < b. An unparsable version sorts below
 * every valid one (a node that registered 'unknown' counts as older than anything).
 */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** Protocol spoken by a software version: one per minor release line (0.1.x → 1, 0.2.x → 2). */
export function protocolVersionOf(software: string): number {
  const v = parseVersion(software);
  return v === undefined ? 0 : v.major * 1000 + v.minor;
}

/** Wire protocol version spoken by this build. */
export const PROTOCOL_VERSION = protocolVersionOf(SOFTWARE_VERSION);

/** Protocol versions this build accepts from a peer. */
export const MIN_PEER_PROTOCOL = PROTOCOL_VERSION - 1;
export const MAX_PEER_PROTOCOL = PROTOCOL_VERSION + 1;

/** The skew policy: a peer one protocol version older or newer is accepted, nothing further. */
export function isCompatibleProtocol(peerProtocol: number, localProtocol: number = PROTOCOL_VERSION): boolean {
  return Number.isInteger(peerProtocol) && Math.abs(peerProtocol - localProtocol) <= 1;
}

export interface VersionIdentity {
  readonly protocolVersion: number;
  readonly softwareVersion: string;
}

const THIS_BUILD: VersionIdentity = { protocolVersion: PROTOCOL_VERSION, softwareVersion: SOFTWARE_VERSION };

export function incompatibleMessage(
  peerRole: string,
  peerProtocol: number,
  peerSoftware: string,
  local: VersionIdentity = THIS_BUILD,
): string {
  return (
    `incompatible peer: ${peerRole} runs software ${peerSoftware} (protocol ${peerProtocol}), ` +
    `this node runs software ${local.softwareVersion} (protocol ${local.protocolVersion}); ` +
    `supported peer protocols are ${local.protocolVersion - 1}..${local.protocolVersion + 1}`
  );
}
