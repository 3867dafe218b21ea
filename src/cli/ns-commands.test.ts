import { describe, expect, it } from 'vitest';
import { Code, fail, ok, type Result } from '../base/status.js';
import type { DbClient } from '../client/db-client.js';
import { type NsContext, nsCommands } from './ns-commands.js';
import { registerOpCommands } from './ns-op-commands.js';

function context(answer: Result<unknown>): { ctx: NsContext; calls: unknown[]; invalidated: () => number } {
  const calls: unknown[] = [];
  let invalidations = 0;
  const client = {
    ns: async (method: string, req: unknown) => {
      calls.push([method, req]);
      return answer;
    },
    nsRaw: async (method: string, req: unknown) => {
      calls.push([method, req]);
      return answer;
    },
    invalidateMetadata: () => {
      invalidations++;
    },
  } as unknown as DbClient;
  const ctx: NsContext = {
    client,
    db: 'db1',
    interactive: false,
    confirm: async () => true,
    writeFile: async () => undefined,
    readFile: async () => '',
  };
  return { ctx, calls, invalidated: () => invalidations };
}

describe('ns_client deleteindex', () => {
  const command = nsCommands().deleteindex!;

  it('asks the nameserver to drop the index and answers as the reference does', async () => {
    const { ctx, calls, invalidated } = context(ok({ position: 1 }));
    expect(await command.run(ctx, ['t1', 'by_c2'])).toEqual(ok('delete index ok'));
    expect(calls).toEqual([['DeleteTableIndex', { db: 'db1', name: 't1', index: 'by_c2' }]]);
    expect(invalidated()).toBe(1);
  });

  it('reports the refusal, and the usage on bad arguments', async () => {
    const { ctx } = context(fail(Code.invalidParameter, "drop index failed: index 'i' is used by deployment db1.d1"));
    const r = await command.run(ctx, ['t1', 'i']);
    expect(r).toMatchObject({ ok: false, message: "Fail to delete index. error msg: drop index failed: index 'i' is used by deployment db1.d1" });
    const bad = await command.run(ctx, ['t1']);
    expect(bad).toMatchObject({ ok: false, message: 'bad format; usage: deleteindex <table> <index>' });
  });
});

describe('ns_client addreplica / delreplica', () => {
  registerOpCommands();

  it('send the table, the pid group and the endpoint, and answer as the reference does', async () => {
    const { ctx, calls } = context(ok({}));
    expect(await nsCommands().addreplica!.run(ctx, ['t1', '0-2', '127.0.0.1:9921'])).toEqual(ok('AddReplica ok'));
    expect(await nsCommands().delreplica!.run(ctx, ['t1', '1', '127.0.0.1:9921'])).toEqual(ok('DelReplica ok'));
    expect(calls).toEqual([
      ['AddReplica', { db: 'db1', name: 't1', pids: [0, 1, 2], endpoint: '127.0.0.1:9921' }],
      ['DelReplica', { db: 'db1', name: 't1', pids: [1], endpoint: '127.0.0.1:9921' }],
    ]);
  });

  it('report a refusal, and the usage on bad arguments', async () => {
    const { ctx } = context(fail(Code.invalidParameter, 'del replica failed: 127.0.0.1:9921 does not hold db1.t1 pid 1'));
    expect(await nsCommands().delreplica!.run(ctx, ['t1', '1', '127.0.0.1:9921'])).toMatchObject({
      ok: false,
      message: 'DelReplica failed: del replica failed: 127.0.0.1:9921 does not hold db1.t1 pid 1',
    });
    expect(await nsCommands().addreplica!.run(ctx, ['t1', '1'])).toMatchObject({
      ok: false,
      message: 'bad format; usage: addreplica <table> <pid_group> <endpoint>',
    });
  });
});
