import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import type { HelloFields } from './envelope.js';
import { acceptHelloAck, answerHello, helloFrom, localIdentity } from './handshake.js';
import { PROTOCOL_VERSION, SOFTWARE_VERSION } from './version.js';

const server = localIdentity({ role: 'tablet', endpoint: '127.0.0.1:9527', features: ['a'], frameBytesMax: 4096 });

function peerAt(protocolVersion: number): HelloFields {
  return localIdentity({ role: 'client', protocolVersion, softwareVersion: `9.${protocolVersion}.0` });
}

describe('handshake', () => {
  it('builds a hello from the local identity, defaulting to this build', () => {
    expect(helloFrom(localIdentity({ role: 'nameserver' }))).toEqual({
      kind: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      softwareVersion: SOFTWARE_VERSION,
      role: 'nameserver',
      endpoint: '',
      features: [],
      frameBytesMax: 32 * 1024 * 1024,
    });
  });

  it.each([-1, 0, 1])('accepts a peer at protocol N%+d and answers with its own identity', (delta) => {
    const answer = answerHello(helloFrom(peerAt(PROTOCOL_VERSION + delta)), server);
    expect(answer.accepted).toBe(true);
    if (!answer.accepted) return;
    expect(answer.reply).toEqual({ kind: 'helloAck', ...server });
    expect(answer.peer).toMatchObject({ role: 'client', protocolVersion: PROTOCOL_VERSION + delta });
  });

  it.each([-2, 2, 7])('refuses a peer at protocol N%+d, naming both versions', (delta) => {
    const peerVersion = PROTOCOL_VERSION + delta;
    const answer = answerHello(helloFrom(peerAt(peerVersion)), server);
    expect(answer.accepted).toBe(false);
    expect(answer.reply.kind).toBe('error');
    if (answer.reply.kind !== 'error') return;
    expect(answer.reply.code).toBe(Code.rpcIncompatiblePeer);
    expect(answer.reply.message).toContain(`client runs software 9.${peerVersion}.0 (protocol ${peerVersion})`);
    expect(answer.reply.message).toContain(`this node runs software ${SOFTWARE_VERSION} (protocol ${PROTOCOL_VERSION})`);
  });

  it('lets the client check the server the same way', () => {
    const near = acceptHelloAck({ kind: 'helloAck', ...server, protocolVersion: PROTOCOL_VERSION + 1 });
    expect(near).toEqual({
      ok: true,
      value: {
        protocolVersion: PROTOCOL_VERSION + 1,
        softwareVersion: SOFTWARE_VERSION,
        role: 'tablet',
        endpoint: '127.0.0.1:9527',
        features: ['a'],
        frameBytesMax: 4096,
      },
    });
    const far = acceptHelloAck({ kind: 'helloAck', ...server, protocolVersion: PROTOCOL_VERSION + 2 });
    expect(far.ok).toBe(false);
    if (!far.ok) {
      expect(far.code).toBe(Code.rpcIncompatiblePeer);
      expect(far.message).toContain(`tablet runs software ${SOFTWARE_VERSION} (protocol ${PROTOCOL_VERSION + 2})`);
    }
  });

  it('checks against the local identity: a build impersonating 0.3.0 refuses 0.1.0, naming both', () => {
    const newer = localIdentity({ role: 'tablet', softwareVersion: '0.3.0' });
    expect(newer.protocolVersion).toBe(3);
    const older = localIdentity({ role: 'client', softwareVersion: '0.1.0' });
    const answer = answerHello(helloFrom(older), newer);
    expect(answer.accepted).toBe(false);
    if (answer.reply.kind !== 'error') return;
    expect(answer.reply.message).toContain('client runs software 0.1.0 (protocol 1)');
    expect(answer.reply.message).toContain('this node runs software 0.3.0 (protocol 3)');
    expect(answerHello(helloFrom(localIdentity({ role: 'client', softwareVersion: '0.2.0' })), newer).accepted).toBe(true);
    const ack = acceptHelloAck({ kind: 'helloAck', ...newer }, older);
    expect(ack.ok).toBe(false);
  });
});
