/**
 * hash64(x) / farm_fingerprint(x): FarmHash Fingerprint64 of the value's in-memory bytes in the
 * reference (little-endian: 1 byte for bool, 2/4/8 for smallint/int/bigint, 4/8 for
 * float/double, 8 for a timestamp's epoch ms, 4 for a date's packed int32, UTF-8 for a string),
 * as a signed bigint. Equal values of different types hash differently.
 */
import { assert } from '../../base/assert.js';
import type { Value } from '../../protocol/schema.js';
import { packDate } from '../operators/calendar.js';
import { isPrimitive, type PrimitiveType, type SqlType } from '../types.js';
import { fingerprint64 } from './farmhash.js';
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

const encoder = new TextEncoder();

/** The bytes the reference hashes for a non-NULL value of `type`. */
export function valueBytes(v: Value, type: PrimitiveType): Uint8Array {
  const view = (size: number, write: (d: DataView) => void) => {
    const d = new DataView(new ArrayBuffer(size));
    write(d);
    return new Uint8Array(d.buffer);
  };
  switch (type) {
    case 'bool':
      return new Uint8Array([v ? 1 : 0]);
    case 'smallint':
      return view(2, (d) => d.setInt16(0, v as number, true));
    case 'int':
      return view(4, (d) => d.setInt32(0, v as number, true));
    case 'bigint':
      return view(8, (d) => d.setBigInt64(0, v as bigint, true));
    case 'float':
      return view(4, (d) => d.setFloat32(0, v as number, true));
    case 'double':
      return view(8, (d) => d.setFloat64(0, v as number, true));
    case 'timestamp':
      return view(8, (d) => d.setBigInt64(0, BigInt(v as number), true));
    case 'date':
      return view(4, (d) => d.setInt32(0, packDate(v as string), true));
    case 'string':
      return encoder.encode(v as string);
    case 'null':
      assert(false, 'valueBytes: a value typed null must be NULL');
  }
}

/** hash64 of a non-NULL value of `type`. */
export function sqlHash64(v: Value, type: PrimitiveType): bigint {
  return BigInt.asIntN(64, fingerprint64(valueBytes(v, type)));
}

function resolveHash64(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isPrimitive(t)) return noOverload(name, argTypes, 'one primitive argument');
  if (t === 'null') return scalar('bigint', () => null);
  return scalar('bigint', nullIfAnyNull(([v]) => sqlHash64(v as Value, t)));
}

export const HASH_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['hash64'], resolve: resolveHash64 },
  { names: ['farm_fingerprint'], resolve: resolveHash64 },
];
