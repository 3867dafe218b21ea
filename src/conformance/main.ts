/**
 * Entry point: `npx tsx src/conformance/main.ts [--cases DIR] [--mode ...] ...` (see cli.ts).
 * Runs against the engine registered through engine-registry.ts: a real standalone database
 * process (standalone-engine.ts) unless something registered another one first.
 */
import { runCli } from './cli.js';
import { registeredEngineFactory, registerEngineFactory } from './engine-registry.js';
import { startStandaloneEngine } from './standalone-engine.js';

if (registeredEngineFactory() === undefined) registerEngineFactory(startStandaloneEngine);

const code = await runCli(
  process.argv.slice(2),
  registeredEngineFactory(),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
process.exitCode = code;
