import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionEvent } from '../ports/coordinator.js';
import { type ContractSession, coordinatorContract } from '../ports/coordinator-contract.js';
import { ZkCoordinator, type ZkCoordinatorOptions } from './zk-coordinator.js';
import { type FaultProxy, startFaultProxy } from './zk-fault-proxy.js';
import { startZooKeeper, type ZooKeeperServer } from './zk-server.js';

const empty = new Uint8Array(0);
const waitTimeoutMs = 15_000;

let server: ZooKeeperServer;
let dataDir: string;
/** A direct client that watches from outside the faults. */
let observer: ZkCoordinator;
const opened: { coordinator: ZkCoordinator; proxy: FaultProxy }[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'zk-coordinator-test-'));
  // Sessions may be as short as 1 s (2 ticks), as in the measured recipe.
  server = await startZooKeeper({ dataDir, tickTimeMs: 500, minSessionTimeoutMs: 1_000, maxSessionTimeoutMs: 20_000 });
  observer = await ZkCoordinator.connect({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
});

afterAll(async () => {
  await observer?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const { coordinator, proxy } of opened.splice(0)) {
    await coordinator.close();
    await proxy.close();
  }
});

const waitUntil = (condition: () => boolean | Promise<boolean>, what: string): Promise<void> =>
  vi.waitFor(
    async () => {
      if (!(await condition())) throw new Error(`still waiting for ${what}`);
    },
    { timeout: waitTimeoutMs, interval: 10 },
  );

/** A client whose link to the server runs through a fault proxy. */
async function openThroughProxy(options: Partial<ZkCoordinatorOptions> = {}): Promise<{
  coordinator: ZkCoordinator;
  proxy: FaultProxy;
}> {
  const proxy = await startFaultProxy('127.0.0.1', server.port);
  try {
    const coordinator = await ZkCoordinator.connect({
      connectString: proxy.connectString,
      sessionTimeoutMs: 2_000,
      connectTimeoutMs: waitTimeoutMs,
      ...options,
    });
    opened.push({ coordinator, proxy });
    return { coordinator, proxy };
  } catch (err) {
    await proxy.close();
    throw err;
  }
}

describe('ZkCoordinator against a real ZooKeeper: the Coordinator contract', () => {
  coordinatorContract(it, {
    async open(): Promise<ContractSession> {
      const { coordinator, proxy } = await openThroughProxy();
      return {
        coordinator,
        async expire() {
          // A real partition: the server hears nothing from the client until it expires the session.
          const probe = `/expiry-probe-${coordinator.sessionId()}`;
          await coordinator.create(probe, empty, 'ephemeral');
          proxy.partition();
          await waitUntil(async () => (await observer.exists(probe)) === null, `the server to expire ${probe}`);
          proxy.heal();
        },
        async interrupt() {
          proxy.resetConnections();
        },
      };
    },
    waitUntil,
  });
});

describe('ZkCoordinator: connection handling', () => {
  it('connect fails with timeout when nothing answers (the library alone would wait forever)', async () => {
    // A listener that accepts TCP but never speaks ZooKeeper.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const attempt = ZkCoordinator.connect({ connectString: `127.0.0.1:${port}`, connectTimeoutMs: 300 });
      await expect(attempt).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining(`${port}`) });
    } finally {
      silent.close();
    }
  });

  it('a silent partition is reported as disconnected before the session expires; healing keeps the session', async () => {
    const { coordinator, proxy } = await openThroughProxy({ sessionTimeoutMs: 4_000, operationTimeoutMs: 500 });
    const events: SessionEvent[] = [];
    coordinator.onSession((e) => events.push(e));
    const session = coordinator.sessionId();
    await coordinator.create(`/partition-${session}`, empty, 'ephemeral');
    proxy.partition();
    await expect(coordinator.get('/')).rejects.toMatchObject({ code: 'timeout' });
    await waitUntil(() => events.includes('disconnected'), "'disconnected' during the partition");
    proxy.heal();
    await waitUntil(() => events.includes('connected'), "'connected' after the partition heals");
    expect(events).toEqual(['disconnected', 'connected']);
    expect(coordinator.sessionId()).toBe(session);
    expect((await observer.exists(`/partition-${session}`))?.ephemeralOwner).toBe(session);
  });

  it('operations issued while disconnected on a session that then expires fail with sessionExpired', async () => {
    const { coordinator, proxy } = await openThroughProxy({ sessionTimeoutMs: 1_000, operationTimeoutMs: 60_000 });
    const events: SessionEvent[] = [];
    coordinator.onSession((e) => events.push(e));
    const probe = `/expire-pending-${coordinator.sessionId()}`;
    await coordinator.create(probe, empty, 'ephemeral');
    proxy.partition();
    await waitUntil(() => events.includes('disconnected'), "'disconnected'");
    const pending = coordinator.create(`/never-${coordinator.sessionId()}`, empty, 'persistent');
    await waitUntil(async () => (await observer.exists(probe)) === null, 'the server to expire the session');
    proxy.heal();
    await expect(pending).rejects.toMatchObject({ code: 'sessionExpired' });
    await waitUntil(() => events.includes('expired'), "'expired'");
    expect(await coordinator.exists('/')).not.toBeNull();
  });

  it('operations beyond operationsInFlightMax fail at once; unanswered ones time out', async () => {
    const { coordinator, proxy } = await openThroughProxy({
      operationsInFlightMax: 2,
      operationTimeoutMs: 300,
      closeTimeoutMs: 200,
    });
    proxy.partition();
    const first = coordinator.get('/');
    const second = coordinator.exists('/');
    await expect(coordinator.children('/')).rejects.toMatchObject({ code: 'other', message: /2 operations already in flight/ });
    await expect(first).rejects.toMatchObject({ code: 'timeout', message: /get \/ failed: no answer/ });
    await expect(second).rejects.toMatchObject({ code: 'timeout' });
  });

  it('close during a silent partition gives up after closeTimeoutMs; later operations fail with connectionLoss', async () => {
    const { coordinator, proxy } = await openThroughProxy({ sessionTimeoutMs: 2_000, closeTimeoutMs: 200 });
    proxy.partition();
    await coordinator.close();
    await expect(coordinator.exists('/')).rejects.toMatchObject({ code: 'connectionLoss' });
  });
});
