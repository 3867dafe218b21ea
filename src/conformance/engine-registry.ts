/**
 * Where the composition root registers the engine the conformance CLI runs against. Kept apart
 * from main.ts so wiring a database in is one import and one call, with no change to the runner.
 */
import type { EngineFactory } from './engine.js';

let registered: EngineFactory | undefined;

export function registerEngineFactory(factory: EngineFactory): void {
  registered = factory;
}

export function registeredEngineFactory(): EngineFactory | undefined {
  return registered;
}
