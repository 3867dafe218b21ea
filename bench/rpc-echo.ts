/**
 * Echo benchmark of the internal RPC: the server runs in a child process, the client here keeps 1
 * and then 64 calls in flight, and prints ops/s with p50/p99 latency. Side by side, the same load
 * runs against a bare baseline (u32 frames + msgpackr {id, body}, coalesced writes, no envelope
 * checks, handshake or deadlines), so the ratio shows what TcpTransport's own work costs.
 *
 *   npx tsx bench/rpc-echo.ts [--seconds=5] [--warmup-seconds=1] [--rounds=2]
 *
 * Figures on a shared 2-core machine are noise-prone: compare the two rows of one run.
 */
import { spawn } from 'node:child_process';
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { Packr } from 'msgpackr';
import { type Failure, ok, type Result } from '../src/base/status.js';
import { encodeFrame, FrameDecoder } from '../src/protocol/frame.js';
import { createRpcRouter } from '../src/protocol/rpc-router.js';
import { TcpTransport } from '../src/runtime/tcp-transport.js';

const SAMPLES_MAX = 4_000_000;
const CONCURRENCIES = [1, 64] as const;

interface Caller {
  call(body: unknown): Promise<unknown>;
  /** Says why an answer is a failure, checked outside `call` so both callers pay the same. */
  failure(answer: unknown): string | undefined;
  close(): void;
}

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, got ${arg}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Baseline: the minimal protocol the design measurement used.

const packr = new Packr({ useRecords: false });

function writeCoalesced(socket: Socket): (frame: Uint8Array) => void {
  let frames: Uint8Array[] = [];
  let bytes = 0;
  const flush = () => {
    const out = frames.length === 1 ? frames[0]! : Buffer.concat(frames, bytes);
    frames = [];
    bytes = 0;
    socket.write(out);
  };
  return (frame) => {
    if (frames.length === 0) setImmediate(flush);
    frames.push(frame);
    bytes += frame.length;
  };
}

function serveBaseline(): Promise<number> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const send = writeCoalesced(socket);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      decoder.push(chunk, (payload) => {
        const { id, body } = packr.unpack(payload) as { id: number; body: unknown };
        send(encodeFrame(packr.pack({ id, body })));
      });
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function baselineCaller(port: number): Promise<Caller> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port, noDelay: true }, () => {
      const pending = new Map<number, (value: unknown) => void>();
      const send = writeCoalesced(socket);
      const decoder = new FrameDecoder();
      let nextId = 1;
      socket.on('data', (chunk) => {
        decoder.push(chunk, (payload) => {
          const { id, body } = packr.unpack(payload) as { id: number; body: unknown };
          const resolveCall = pending.get(id)!;
          pending.delete(id);
          resolveCall(body);
        });
      });
      resolve({
        call(body) {
          const id = nextId++;
          return new Promise((resolveCall) => {
            pending.set(id, resolveCall);
            send(encodeFrame(packr.pack({ id, body })));
          });
        },
        failure: () => undefined,
        close: () => socket.destroy(),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Child: both servers.

async function serve(): Promise<void> {
  const transport = new TcpTransport({ role: 'tablet' });
  const listener = await transport.listen('127.0.0.1:0', createRpcRouter('bench', { echo: (request) => ok(request) }));
  const baselinePort = await serveBaseline();
  process.stdout.write(`${JSON.stringify({ endpoint: listener.endpoint, baselinePort })}\n`);
  // Each line on stdin asks for this process's CPU time so far; end of stdin means the parent left.
  createInterface({ input: process.stdin }).on('line', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// Parent: load generator.

interface Figures {
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time per call in this process and in the server process: steadier than ops/s on a busy machine. */
  readonly clientCpuUs: number;
  readonly serverCpuUs: number;
}

/** Reads the server child's CPU time (microseconds) over its stdin/stdout. */
type ServerCpu = () => Promise<number>;

async function measure(
  caller: Caller,
  body: unknown,
  inFlight: number,
  seconds: number,
  serverCpu: ServerCpu,
): Promise<Figures> {
  const latencies = new Float64Array(SAMPLES_MAX);
  let count = 0;
  const serverCpuBefore = await serverCpu();
  const clientCpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const answer = await caller.call(body);
      const failure = caller.failure(answer);
      if (failure !== undefined) throw new Error(failure);
      if (count < SAMPLES_MAX) latencies[count] = performance.now() - t0;
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsedSec = (performance.now() - start) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuUs = (await serverCpu()) - serverCpuBefore;
  const sorted = latencies.subarray(0, Math.min(count, SAMPLES_MAX)).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    opsPerSec: count / elapsedSec,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    clientCpuUs: (clientCpu.user + clientCpu.system) / count,
    serverCpuUs: serverCpuUs / count,
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  const seconds = flag('seconds', 5);
  const warmupSeconds = flag('warmup-seconds', 1);
  const rounds = flag('rounds', 2);

  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<string> => {
      const line = await lines.next();
      if (line.done === true) throw new Error('the server child exited');
      return line.value;
    };
    const { endpoint, baselinePort } = JSON.parse(await nextLine()) as { endpoint: string; baselinePort: number };
    const serverCpu: ServerCpu = async () => {
      child.stdin!.write('cpu\n');
      return Number(await nextLine());
    };

    const client = new TcpTransport({ role: 'client' }).connect(endpoint);
    const ours: Caller = {
      call: (body) => client.call('echo', body),
      failure: (answer) => ((answer as Result<unknown>).ok ? undefined : (answer as Failure).message),
      close: () => client.close(),
    };
    const baseline = await baselineCaller(baselinePort);

    // About 180 bytes on the wire, shaped like a put: a key, an int64 timestamp and an encoded row.
    const body = { tid: 7, pid: 3, key: 'user_0000012345', ts: 1_700_000_000_000n, row: Buffer.alloc(120, 0x5a) };
    console.log(
      `rpc echo: ${seconds}s per row after ${warmupSeconds}s warm-up, ${rounds} rounds; ` +
        `server in a child process; node ${process.version}`,
    );
    console.log('transport        in flight   ops/s      p50 ms   p99 ms   client CPU µs/call   server CPU µs/call');
    for (const inFlight of CONCURRENCIES) {
      // Alternate the two so that a change in the machine's load hits both alike.
      const opsPerSec = { TcpTransport: 0, 'bare baseline': 0 };
      for (let round = 0; round < rounds; round++) {
        for (const [name, caller] of [
          ['bare baseline', baseline],
          ['TcpTransport', ours],
        ] as const) {
          await measure(caller, body, inFlight, warmupSeconds, serverCpu);
          const f = await measure(caller, body, inFlight, seconds, serverCpu);
          opsPerSec[name] += f.opsPerSec / rounds;
          console.log(
            `${name.padEnd(16)} ${String(inFlight).padStart(9)}   ${Math.round(f.opsPerSec).toString().padStart(7)}   ` +
              `${f.p50Ms.toFixed(3).padStart(6)}   ${f.p99Ms.toFixed(3).padStart(6)}   ` +
              `${f.clientCpuUs.toFixed(1).padStart(18)}   ${f.serverCpuUs.toFixed(1).padStart(18)}`,
          );
        }
      }
      const ratio = opsPerSec.TcpTransport / opsPerSec['bare baseline'];
      console.log(`  TcpTransport / baseline at ${inFlight} in flight (mean ops/s of ${rounds} rounds): ${ratio.toFixed(2)}x`);
    }
    ours.close();
    baseline.close();
  } finally {
    child.stdin!.end();
    child.kill();
  }
}

await main();
