import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType, SqlType, SqlValue } from '../types.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): SqlValue {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error('not scalar');
  expect(r.value.type).toBe('bigint');
  return r.value.eval(args);
}

describe('hash64 / farm_fingerprint (test_udf_function ids 4, 5)', () => {
  // Columns id int32, col1 int64, col2 int16, col3 string, col4 double, col5 float, std_ts, de, bt.
  const rows: [Value[], (bigint | null)[]][] = [
    [
      [0, 1n, 55, 'g1', 2.0, Math.fround(1.0), 1590115420000, '2020-07-15', true],
      [-470600885322160961n, 5925585971146611297n, -8280049305495806603n, 3208330103598489124n, 1446482599179445476n, 322450456541637418n, 4361965398422314040n, -8740639806462273876n, 5161771770385946686n],
    ],
    [
      [1, 2n, 55, null, 2.0, Math.fround(4.4), 1590115421000, '2020-07-15', true],
      [7601041269982238804n, 3353244675891348105n, -8280049305495806603n, null, 1446482599179445476n, -2386882153598325791n, -8427233238384893499n, -8740639806462273876n, 5161771770385946686n],
    ],
    [
      [2, 3n, 55, 'g2', null, Math.fround(4.4), 1590115422000, '2020-07-15', false],
      [6706320920252439311n, 7262150054277104024n, -8280049305495806603n, 386896907218095555n, null, -2386882153598325791n, -8306842479876455466n, -8740639806462273876n, -4728684028706075820n],
    ],
    [
      [3, 4n, 55, 'g1', 4.0, Math.fround(4.0), 1590115423000, '2020-07-15', false],
      [2681491882390849628n, 3255232038643208583n, -8280049305495806603n, 3208330103598489124n, 4223774888982935081n, -2508610241776323253n, 836854283058012232n, -8740639806462273876n, -4728684028706075820n],
    ],
    [
      [4, null, 55, 'g2', 4.0, Math.fround(4.0), 1590115424000, '2020-07-15', false],
      [-601936896161254990n, null, -8280049305495806603n, 386896907218095555n, 4223774888982935081n, -2508610241776323253n, -1715213075984056143n, -8740639806462273876n, -4728684028706075820n],
    ],
    [
      [5, 5n, 55, 'g2', 4.0, Math.fround(4.0), 1590115425000, '2020-07-15', false],
      [-2259736796076314196n, 3312746975386716960n, -8280049305495806603n, 386896907218095555n, 4223774888982935081n, -2508610241776323253n, 4701969050813670n, -8740639806462273876n, -4728684028706075820n],
    ],
    [
      [90, 5n, 55, 'g2', 1.0, Math.fround(4.0), 1590115426000, '2020-07-15', true],
      [-3754664774081171349n, 3312746975386716960n, -8280049305495806603n, 386896907218095555n, -6169223503904558093n, -2508610241776323253n, 6739953749437222492n, -8740639806462273876n, 5161771770385946686n],
    ],
  ];
  const types: PrimitiveType[] = ['int', 'bigint', 'smallint', 'string', 'double', 'float', 'timestamp', 'date', 'bool'];
  const names = ['hash64', 'hash64', 'hash64', 'hash64', 'hash64', 'hash64', 'farm_fingerprint', 'farm_fingerprint', 'farm_fingerprint'];

  it('hashes every type like the reference', () => {
    for (const [values, expected] of rows) {
      types.forEach((t, i) => {
        expect(call(names[i]!, [t], [values[i]!]), `${names[i]}(${t} ${String(values[i])})`).toBe(expected[i]);
      });
    }
  });

  it('hashes equal values of different types differently (id 5)', () => {
    expect(call('hash64', ['smallint'], [90])).toBe(-9205917472348398353n);
    expect(call('hash64', ['int'], [90])).toBe(-3754664774081171349n);
    expect(call('hash64', ['bigint'], [90n])).toBe(-6110541762027922508n);
    expect(call('hash64', ['double'], [90])).toBe(42123122574000053n);
    expect(call('hash64', ['float'], [90])).toBe(3717229009355585768n);
  });

  it('rejects lists', () => {
    expect(resolveFunction('hash64', [{ kind: 'list', element: 'int' }]).ok).toBe(false);
  });
});
