/**
 * The built-in function library: resolution of calls (scalar, aggregate, window navigation),
 * the accumulator contract, the naive window reference, and the key hash used for routing.
 */
export type {
  Accumulator,
  ResolvedAggregate,
  ResolvedFunction,
  ResolvedNavigation,
  ResolvedScalar,
} from './function-types.js';
export { type CallContext, functionNames, isAggregateFunction, isScalarFunction, resolveFunction } from './registry.js';
export { aggregateOverRows, type RowsFrame } from './aggregates/window-reference.js';
export { KEY_HASH_SEED, keyHash64, murmurHash64A, partitionOfKey } from './murmur-hash.js';
export { sqlHash64 } from './hash.js';
