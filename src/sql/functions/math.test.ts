import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import { matchesExpected } from '../operators/ulp-distance.js';
import type { PrimitiveType, SqlType, SqlValue } from '../types.js';
import { roundHalfUp } from './math.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): [SqlType, SqlValue] {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error(`${name} is not scalar`);
  return [r.value.type, r.value.eval(args)];
}

function expectCall(name: string, types: SqlType[], args: SqlValue[], type: SqlType, value: SqlValue) {
  const [t, v] = call(name, types, args);
  expect(t, `${name} type`).toEqual(type);
  expect(matchesExpected(v, value, type), `${name}(${args.map(String)}) = ${String(v)}, expected ${String(value)}`).toBe(
    true,
  );
}

const f = Math.fround;

describe('math functions (test_calculate.yaml)', () => {
  it('abs (id 0)', () => {
    const types: PrimitiveType[] = ['smallint', 'int', 'bigint', 'float', 'double', 'bool'];
    const out: PrimitiveType[] = ['int', 'int', 'bigint', 'double', 'double', 'double'];
    const rows: [Value[], Value[]][] = [
      [
        [-1, 2, 2n, f(-0.2), -0.5, true],
        [1, 2, 2n, 0.20000000298023224, 0.5, 1.0],
      ],
      [
        [null, null, 2n, null, null, false],
        [null, null, 2n, null, null, 0.0],
      ],
    ];
    for (const [input, expected] of rows) {
      types.forEach((t, i) => {
        expectCall('abs', [t], [input[i]!], out[i]!, expected[i]!);
      });
    }
  });

  it('trigonometry (ids 1, 2, 3)', () => {
    expectCall('cos', ['smallint'], [0], 'double', 1);
    expectCall('cot', ['int'], [1], 'double', 0.6420926159343306);
    expectCall('sin', ['bigint'], [1n], 'double', 0.8414709848078965);
    expectCall('tan', ['float'], [f(1)], 'float', 1.5574077);
    expectCall('tan', ['double'], [0], 'double', 0);
    expectCall('cos', ['smallint'], [null], 'double', null);
    expectCall('acos', ['double'], [0.5], 'double', 1.0471975511965979);
    expectCall('asin', ['float'], [f(0.2)], 'float', 0.2013579207903308);
    expectCall('atan', ['int'], [2], 'double', 1.1071487177940904);
    expectCall('atan2', ['int', 'bigint'], [2, 2n], 'double', 0.78539816339744828);
    expectCall('asin', ['double'], [0.5], 'double', 0.5235987755982989);
    expectCall('atan2', ['int', 'bigint'], [null, 2n], 'double', null);
    expectCall('cos', ['int'], [1], 'double', 0.5403023058681398);
    expectCall('cot', ['int'], [2], 'double', -0.45765755436028577);
    expectCall('sin', ['double'], [1.1], 'double', 0.8912073600614354);
    expectCall('tan', ['int'], [1], 'double', 1.5574077246549023);
    expectCall('acos', ['int'], [0], 'double', 1.5707963267948966);
    expectCall('asin', ['double'], [2.0], 'double', Number.NaN);
    expectCall('atan', ['double'], [2.2], 'double', 1.1441688336680205);
    expectCall('atan2', ['int', 'int'], [1, 2], 'double', 0.4636476090008061);
    expectCall('asin', ['int'], [2], 'double', Number.NaN);
  });

  it('logarithms (id 4)', () => {
    expectCall('log', ['smallint'], [1], 'double', 0);
    expectCall('log', ['bigint', 'int'], [3n, 1], 'double', 0);
    expectCall('log2', ['float'], [f(1)], 'float', 0);
    expectCall('log10', ['double'], [1], 'double', 0);
    expectCall('ln', ['int'], [1], 'double', 0);
    expectCall('log', ['bool'], [true], 'double', 0);
    expectCall('log', ['bool'], [false], 'double', -Infinity);
    expectCall('log', ['bigint', 'int'], [3n, null], 'double', null);
  });

  it('rounding (id 5) and floor of a double (test_udf_function id 0)', () => {
    expectCall('ceil', ['smallint'], [1], 'bigint', 1n);
    expectCall('ceiling', ['int'], [2], 'bigint', 2n);
    expectCall('floor', ['bigint'], [2n], 'bigint', 2n);
    expectCall('round', ['float'], [f(0.5)], 'float', 1);
    expectCall('truncate', ['double'], [0.7], 'double', 0);
    expectCall('floor', ['bool'], [true], 'double', 1);
    expectCall('floor', ['bool'], [false], 'double', 0);
    expectCall('floor', ['double'], [3.14], 'double', 3);
    expectCall('ceil', ['double'], [-3.14], 'double', -3);
    expectCall('round', ['double', 'int'], [2.345, 2], 'double', 2.35);
    expectCall('round', ['double'], [-2.5], 'double', -3);
    expectCall('round', ['int', 'int'], [1250, -2], 'int', 1300);
    expectCall('round', ['bigint', 'int'], [-1250n, -2], 'bigint', -1300n);
    expectCall('truncate', ['int'], [7], 'int', 7);
  });

  it('powers (id 6, test_udf_function id 0)', () => {
    expectCall('exp', ['smallint'], [0], 'double', 1);
    expectCall('pow', ['int', 'bigint'], [2, 10n], 'double', 1024);
    expectCall('power', ['bigint', 'float'], [10n, f(1)], 'double', 10);
    expectCall('sqrt', ['double'], [100], 'double', 10);
    expectCall('pow', ['bool', 'int'], [true, 2], 'double', 1);
    expectCall('pow', ['int', 'int'], [42, 2], 'double', 1764);
    expectCall('pow', ['int', 'int'], [null, 2], 'double', null);
  });

  it('earth_distance (test_udf_function id 6)', () => {
    expectCall('earth_distance', ['double', 'double', 'double', 'double'], [40, 73, 41, 74], 'double', 139.72810080682342);
    expectCall('earth_distance', ['smallint', 'int', 'float', 'double'], [40, 73, f(41), 74], 'double', 139.72810080682342);
    expectCall('earth_distance', ['smallint', 'bigint', 'float', 'double'], [40, 73n, f(41), 74], 'double', 139.72810080682342);
  });

  it('other numeric helpers', () => {
    expectCall('pmod', ['int', 'int'], [-7, 3], 'int', 2);
    expectCall('pmod', ['int', 'int'], [7, 0], 'int', null);
    expectCall('pmod', ['double', 'int'], [-7.5, 2], 'double', 0.5);
    expectCall('mod', ['int', 'int'], [-7, 3], 'int', -1);
    expectCall('inc', ['smallint'], [32767], 'smallint', -32768);
    expectCall('maximum', ['int', 'double'], [3, 2.5], 'double', 3);
    expectCall('minimum', ['string', 'string'], ['b', 'a'], 'string', 'a');
    expectCall('degrees', ['double'], [Math.PI], 'double', 180);
    expectCall('radians', ['int'], [180], 'double', Math.PI);
    expectCall('hex', ['int'], [255], 'string', 'FF');
    expectCall('hex', ['bigint'], [-1n], 'string', 'FFFFFFFFFFFFFFFF');
    expectCall('hex', ['string'], ['Spark SQL'], 'string', '537061726B2053514C');
    expectCall('unhex', ['string'], ['537061726B2053514C'], 'string', 'Spark SQL');
    expectCall('unhex', ['string'], ['zz'], 'string', null);
  });

  const ONE_ARG = ['abs', 'cos', 'cot', 'sin', 'tan', 'acos', 'asin', 'atan', 'log', 'log2', 'log10', 'ln', 'ceil', 'ceiling'];
  const MORE = ['floor', 'round', 'truncate', 'exp', 'sqrt'];
  it.each([...ONE_ARG, ...MORE].flatMap((fn) => (['string', 'timestamp', 'date'] as const).map((t): [string, SqlType] => [fn, t])))(
    '%s(%s) fails (id 7)',
    (fn, t) => {
      const r = resolveFunction(fn, [t]);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(new RegExp(`^function ${fn}\\(${t}\\) is not supported: expected `));
    },
  );

  it.each(['cos', 'cot', 'sin', 'tan', 'acos', 'asin', 'atan', 'sqrt'])('%s(bool) fails (id 8)', (fn) => {
    expect(resolveFunction(fn, ['bool']).ok).toBe(false);
  });

  it.each(['log', 'pow', 'power', 'atan2'].flatMap((fn) => (['string', 'timestamp', 'date'] as const).map((t): [string, SqlType] => [fn, t])))(
    '%s(%s, %s) fails (id 9)',
    (fn, t) => {
      expect(resolveFunction(fn, [t, t]).ok).toBe(false);
    },
  );

  it('roundHalfUp rounds halves away from zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (n) => {
        const half = n + 0.5;
        return roundHalfUp(half, 0) === (half > 0 ? n + 1 : n) && roundHalfUp(-half, 0) === -roundHalfUp(half, 0);
      }),
    );
  });
});
