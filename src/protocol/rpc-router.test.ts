import { describe, expect, it } from 'vitest';
import { Code, ok } from '../base/status.js';
import type { CallContext } from '../ports/transport.js';
import { createRpcRouter } from './rpc-router.js';

const context: CallContext = { peer: { protocolVersion: 1, softwareVersion: '0.1.0', role: 'client', endpoint: '' } };

describe('createRpcRouter', () => {
  it('dispatches on the method name and passes request and context through', async () => {
    const router = createRpcRouter('tablet', {
      echo: (request, ctx) => ok({ request, role: ctx.peer.role }),
      later: async () => ok('done'),
    });
    expect(await router('echo', { a: 1 }, context)).toEqual(ok({ request: { a: 1 }, role: 'client' }));
    expect(await router('later', undefined, context)).toEqual(ok('done'));
  });

  it('answers an unknown method with rpcUnknownMethod naming it and the known ones', async () => {
    const router = createRpcRouter('tablet', { put: () => ok(1), get: () => ok(2) });
    expect(await router('scan', {}, context)).toEqual({
      ok: false,
      code: Code.rpcUnknownMethod,
      message: "unknown method 'scan': tablet has get, put",
    });
  });

  it('does not resolve prototype members as methods', async () => {
    const router = createRpcRouter('nameserver', {});
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const result = await router(name, {}, context);
      expect(result).toMatchObject({ ok: false, code: Code.rpcUnknownMethod });
    }
  });

  it('keeps the list of known methods short', async () => {
    const methods = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${String(i).padStart(2, '0')}`, () => ok(i)]));
    const result = await createRpcRouter('tablet', methods)('nope', {}, context);
    expect(result.ok ? '' : result.message).toMatch(/m19, … \(30 in all\)$/);
  });
});
