/**
 * Entry point: `npx tsx src/conformance/main.ts [--cases DIR] [--mode ...] ...` (see cli.ts).
 * Runs against the engine registered through engine-registry.ts; until one is registered it
 * refuses to run and says so.
 */
import { runCli } from './cli.js';
import { registeredEngineFactory } from './engine-registry.js';

const code = await runCli(
  process.argv.slice(2),
  registeredEngineFactory(),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
process.exitCode = code;
