import { Code, fail, ok, type Result } from '../base/status.js';
import type { PeerInfo } from '../ports/transport.js';
import type { ErrorEnvelope, HelloAckEnvelope, HelloEnvelope, HelloFields } from './envelope.js';
import { FRAME_BYTES_MAX_DEFAULT } from './frame.js';
import { incompatibleMessage, isCompatibleProtocol, PROTOCOL_VERSION, protocolVersionOf, SOFTWARE_VERSION } from './version.js';

/**
 * The version handshake that opens every connection. The client's first frame is `hello`; the
 * server answers `helloAck` with its own identity, or an `error` frame (rpcIncompatiblePeer, naming
 * both versions) and closes. The client checks the server's protocol the same way. Compatibility is
 * `isCompatibleProtocol` of this build (N talks to N-1 and N+1).
 */
export type LocalIdentity = HelloFields;

export interface IdentityOptions {
  readonly role: string;
  readonly endpoint?: string;
  readonly features?: readonly string[];
  readonly frameBytesMax?: number;
  /** Only to impersonate another build in tests; defaults to the protocol of `softwareVersion`. */
  readonly protocolVersion?: number;
  /** Defaults to SOFTWARE_VERSION. */
  readonly softwareVersion?: string;
}

export function localIdentity(options: IdentityOptions): LocalIdentity {
  return {
    protocolVersion:
      options.protocolVersion ?? (options.softwareVersion === undefined ? PROTOCOL_VERSION : protocolVersionOf(options.softwareVersion)),
    softwareVersion: options.softwareVersion ?? SOFTWARE_VERSION,
    role: options.role,
    endpoint: options.endpoint ?? '',
    features: options.features ?? [],
    frameBytesMax: options.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT,
  };
}

export function helloFrom(local: LocalIdentity): HelloEnvelope {
  return { kind: 'hello', ...local };
}

/** Server side: the acknowledgement to send, or the refusal to send before closing. */
export function answerHello(
  hello: HelloEnvelope,
  local: LocalIdentity,
): { readonly accepted: true; readonly peer: PeerInfo; readonly reply: HelloAckEnvelope } | {
  readonly accepted: false;
  readonly reply: ErrorEnvelope;
} {
  const checked = checkPeer(hello, local);
  if (!checked.ok) return { accepted: false, reply: { kind: 'error', code: checked.code, message: checked.message } };
  return { accepted: true, peer: checked.value, reply: { kind: 'helloAck', ...local } };
}

/** Client side: the server's identity, or rpcIncompatiblePeer (`local`: this client's identity). */
export function acceptHelloAck(ack: HelloAckEnvelope, local: LocalIdentity = localIdentity({ role: 'client' })): Result<PeerInfo> {
  return checkPeer(ack, local);
}

/** What a server sends to a connection whose first frame is not a hello. */
export function handshakeMissing(found: string): ErrorEnvelope {
  return {
    kind: 'error',
    code: Code.rpcBadRequest,
    message: `handshake required: the first message on a connection must be hello, found ${found}`,
  };
}

function checkPeer(hello: HelloFields, local: LocalIdentity): Result<PeerInfo> {
  if (!isCompatibleProtocol(hello.protocolVersion, local.protocolVersion)) {
    return fail(Code.rpcIncompatiblePeer, incompatibleMessage(hello.role, hello.protocolVersion, hello.softwareVersion, local));
  }
  return ok({
    protocolVersion: hello.protocolVersion,
    softwareVersion: hello.softwareVersion,
    role: hello.role,
    endpoint: hello.endpoint,
    features: hello.features,
    frameBytesMax: hello.frameBytesMax,
  });
}
