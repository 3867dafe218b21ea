/**
 * `npm run sim -- --seed N --steps M [--verbose] [--seeds K]`: one deterministic simulation of
 * the whole cluster (src/sim/DESIGN.md), printing a summary; with --seeds K, seeds N..N+K-1 one
 * after the other. --verbose prints every trace line as it happens. Exit status 1 if any run
 * found a violation. Profile options (a replay needs the same ones):
 *   --binlog-sync-interval MS  tablets' binlog fsync period (default 0: fsync every write)
 *   --tablet-crash kill|powerLoss|mixed  what a tablet crash does to its disk (default mixed)
 *   --fault-interval MS        mean time between faults (default 2000)
 *   --no-operator              never run the operator's recoverdata
 */
import { parseArgs } from 'node:util';
import { formatReport } from '../src/sim/sim-report.js';
import { runSimulation } from '../src/sim/simulation.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    steps: { type: 'string', default: '20000' },
    seeds: { type: 'string', default: '1' },
    verbose: { type: 'boolean', default: false },
    trace: { type: 'string', default: '60' },
    'binlog-sync-interval': { type: 'string', default: '0' },
    'tablet-crash': { type: 'string', default: 'mixed' },
    'fault-interval': { type: 'string', default: '2000' },
    'no-operator': { type: 'boolean', default: false },
  },
});

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got '${text}'`);
    process.exit(2);
  }
  return n;
}

const first = positiveInt('seed', values.seed);
const steps = positiveInt('steps', values.steps);
const count = Math.max(1, positiveInt('seeds', values.seeds));
const traceLines = positiveInt('trace', values.trace);
const binlogSyncIntervalMs = positiveInt('binlog-sync-interval', values['binlog-sync-interval']);
const meanIntervalMs = Math.max(1, positiveInt('fault-interval', values['fault-interval']));
const tabletCrash = values['tablet-crash'];
if (tabletCrash !== 'kill' && tabletCrash !== 'powerLoss' && tabletCrash !== 'mixed') {
  console.error(`--tablet-crash must be kill, powerLoss or mixed, got '${tabletCrash}'`);
  process.exit(2);
}

// A promise rejected with nobody listening is a bug in the simulated code: report it, do not die.
const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
});

let failed = 0;
for (let seed = first; seed < first + count; seed++) {
  const started = performance.now();
  const report = await runSimulation({
    seed,
    steps,
    cluster: {
      binlogSyncIntervalMs,
      ...(values.verbose ? { trace: { linesKept: 400, level: 'debug' as const, sink: (line: string) => console.log(line) } } : {}),
    },
    faults: { tabletCrash, meanIntervalMs },
    operator: !values['no-operator'],
  });
  console.log(formatReport(report, traceLines));
  console.log(`wall:    ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (report.violations.length > 0) failed++;
  if (unhandled.length > 0) {
    console.log(`unhandled promise rejections during seed ${seed}:\n${unhandled.map((u) => `  ${u}`).join('\n')}`);
    unhandled.length = 0;
    failed++;
  }
}
if (count > 1) console.log(`${count - failed} of ${count} seeds passed`);
process.exit(failed > 0 ? 1 : 0);
