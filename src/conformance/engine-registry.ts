/**
 * Where the composition root registers the engines the conformance CLI runs against, one per
 * target (standalone, cluster). Kept apart from main.ts so wiring a database in is one import and
 * one call, with no change to the runner.
 */
import type { EngineFactory } from './engine.js';
import type { Target } from './modes.js';

const registered: Partial<Record<Target, EngineFactory>> = {};

export function registerEngineFactory(factory: EngineFactory, target: Target = 'standalone'): void {
  registered[target] = factory;
}

export function registeredEngineFactories(): Partial<Record<Target, EngineFactory>> {
  return { ...registered };
}
