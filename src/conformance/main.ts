/**
 * Entry point: `npx tsx src/conformance/main.ts [--cases DIR] [--mode ...] [--cluster] ...` (see
 * cli.ts). Runs against the engines registered through engine-registry.ts: a real standalone
 * database process (standalone-engine.ts), or with `--cluster` a real cluster (cluster-engine.ts),
 * unless something registered other ones first.
 */
import { runCli } from './cli.js';
import { startClusterEngine } from './cluster-engine.js';
import { registeredEngineFactories, registerEngineFactory } from './engine-registry.js';
import { startStandaloneEngine } from './standalone-engine.js';

const registered = registeredEngineFactories();
if (registered.standalone === undefined) registerEngineFactory(startStandaloneEngine, 'standalone');
if (registered.cluster === undefined) registerEngineFactory(startClusterEngine, 'cluster');

const code = await runCli(
  process.argv.slice(2),
  registeredEngineFactories(),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
process.exitCode = code;
