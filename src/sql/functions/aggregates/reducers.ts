/**
 * Reducers: count/sum/avg/min/max over non-NULL primitive values, shared by the plain, *_where
 * and category aggregates. sum keeps the input type (integers wrap at their width, float sums
 * round to single precision after each step, in the order values arrive); avg sums in double.
 * Reducers over exact types (integers, timestamps, counts) can remove values again.
 */
import { assert } from '../../../base/assert.js';
import type { Value } from '../../../protocol/schema.js';
import { compareSameType } from '../../operators/comparison.js';
import { toDouble, wrapSmallint } from '../../operators/numeric.js';
import { isIntegral, isNumeric, type PrimitiveType } from '../../types.js';

export interface Reducer {
  /** Adds a non-NULL value. */
  add(v: Value): void;
  /** Removes a value added before (only for removable reducers). */
  remove(v: Value): void;
  /** The result; NULL when no value is held, except count (0). */
  result(): Value;
}

export type ReducerKind = 'count' | 'sum' | 'avg' | 'min' | 'max';

export const SUMMABLE: readonly PrimitiveType[] = ['smallint', 'int', 'bigint', 'float', 'double', 'timestamp'];
export const ORDERABLE: readonly PrimitiveType[] = ['smallint', 'int', 'bigint', 'float', 'double', 'timestamp', 'date', 'string'];

/** Whether `kind` accepts inputs of `type`. */
export function reducerAccepts(kind: ReducerKind, type: PrimitiveType): boolean {
  switch (kind) {
    case 'count':
      return true;
    case 'sum':
      return SUMMABLE.includes(type);
    case 'avg':
      return isNumeric(type);
    case 'min':
    case 'max':
      return ORDERABLE.includes(type);
  }
}

export function reducerType(kind: ReducerKind, type: PrimitiveType): PrimitiveType {
  switch (kind) {
    case 'count':
      return 'bigint';
    case 'avg':
      return 'double';
    default:
      return type;
  }
}

export function reducerRemovable(kind: ReducerKind, type: PrimitiveType): boolean {
  switch (kind) {
    case 'count':
      return true;
    case 'sum':
    case 'avg':
      return isIntegral(type) || type === 'timestamp';
    default:
      return false;
  }
}

function notRemovable(): never {
  assert(false, 'remove() on a reducer that is not removable');
}

class CountReducer implements Reducer {
  private n = 0;
  add(): void {
    this.n += 1;
  }
  remove(): void {
    this.n -= 1;
  }
  result(): Value {
    return BigInt(this.n);
  }
}

/** Sum in a JS number with a per-step rounding (wrap to 16/32 bits, float32, or none). */
class NumberSumReducer implements Reducer {
  private n = 0;
  private total = 0;
  constructor(private readonly round: (x: number) => number) {}
  add(v: Value): void {
    this.n += 1;
    this.total = this.round(this.total + toDouble(v));
  }
  remove(v: Value): void {
    this.n -= 1;
    this.total = this.round(this.total - toDouble(v));
  }
  result(): Value {
    return this.n === 0 ? null : this.total;
  }
}

/** Exact int64 sum; timestamps (epoch ms numbers) are summed the same way. */
class BigintSumReducer implements Reducer {
  private n = 0;
  private total = 0n;
  constructor(private readonly timestamps: boolean) {}
  add(v: Value): void {
    this.n += 1;
    this.total = BigInt.asIntN(64, this.total + (this.timestamps ? BigInt(v as number) : (v as bigint)));
  }
  remove(v: Value): void {
    this.n -= 1;
    this.total = BigInt.asIntN(64, this.total - (this.timestamps ? BigInt(v as number) : (v as bigint)));
  }
  result(): Value {
    if (this.n === 0) return null;
    return this.timestamps ? Number(this.total) : this.total;
  }
}

class AvgReducer implements Reducer {
  private n = 0;
  private total = 0;
  add(v: Value): void {
    this.n += 1;
    this.total += toDouble(v);
  }
  remove(v: Value): void {
    this.n -= 1;
    this.total -= toDouble(v);
  }
  result(): Value {
    return this.n === 0 ? null : this.total / this.n;
  }
}

class ExtremumReducer implements Reducer {
  private best: Value = null;
  constructor(private readonly sign: 1 | -1) {}
  add(v: Value): void {
    if (this.best === null || this.sign * compareSameType(v, this.best) > 0) this.best = v;
  }
  remove(): void {
    notRemovable();
  }
  result(): Value {
    return this.best;
  }
}

const identity = (x: number) => x;

function sumRounding(type: PrimitiveType): (x: number) => number {
  switch (type) {
    case 'smallint':
      return wrapSmallint;
    case 'int':
      return (x) => x | 0;
    case 'float':
      return Math.fround;
    default:
      return identity;
  }
}

/** Factory of reducers of `kind` over values of `type` (the caller checked `reducerAccepts`). */
export function reducerFactory(kind: ReducerKind, type: PrimitiveType): () => Reducer {
  switch (kind) {
    case 'count':
      return () => new CountReducer();
    case 'sum': {
      if (type === 'bigint' || type === 'timestamp') {
        const timestamps = type === 'timestamp';
        return () => new BigintSumReducer(timestamps);
      }
      const round = sumRounding(type);
      return () => new NumberSumReducer(round);
    }
    case 'avg':
      return () => new AvgReducer();
    case 'min':
      return () => new ExtremumReducer(-1);
    case 'max':
      return () => new ExtremumReducer(1);
  }
}
