/**
 * Math functions. Result types follow the reference: most functions give double for integer
 * arguments and keep float for float arguments; abs keeps integers (smallint widens to int);
 * ceil/floor give bigint for integers; round/truncate keep the argument type; pow is always
 * double. Bool is read as 0/1 where the reference allows it (abs, ceil, floor, round, truncate,
 * exp, ln, log*, pow) and rejected by the trigonometric functions and sqrt.
 */
import type { Value } from '../../protocol/schema.js';
import { resolveArithmetic } from '../operators/arithmetic.js';
import { fromBigInt, toBigInt, toDouble } from '../operators/numeric.js';
import { isIntegral, isNumeric, isNumericOrBool, type SqlType, type SqlValue, widerNumeric } from '../types.js';
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

type Unary = (x: number) => number;

const NUMERIC = 'a numeric argument (smallint, int, bigint, float, double)';
const NUMERIC_OR_BOOL = 'a numeric or bool argument';

/** A double function that keeps float for float arguments; `bool` says whether bool is read as 0/1. */
function floatPreserving(fn: Unary, acceptBool: boolean) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    const [t] = argTypes;
    const okType = argTypes.length === 1 && t !== undefined && (isNumeric(t) || (acceptBool && t === 'bool'));
    if (!okType) return noOverload(name, argTypes, acceptBool ? NUMERIC_OR_BOOL : NUMERIC);
    if (t === 'float') return scalar('float', nullIfAnyNull(([x]) => Math.fround(fn(x as number))));
    return scalar('double', nullIfAnyNull(([x]) => fn(toDouble(x as Value))));
  };
}

function unaryDef(names: readonly string[], fn: Unary, acceptBool: boolean): ScalarDef {
  return { names, resolve: floatPreserving(fn, acceptBool) };
}

function resolveAbs(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isNumericOrBool(t)) return noOverload(name, argTypes, NUMERIC_OR_BOOL);
  switch (t) {
    case 'smallint':
    case 'int':
      return scalar('int', nullIfAnyNull(([x]) => Math.abs(x as number) | 0));
    case 'bigint':
      return scalar('bigint', nullIfAnyNull(([x]) => BigInt.asIntN(64, (x as bigint) < 0n ? -(x as bigint) : (x as bigint))));
    default:
      return scalar('double', nullIfAnyNull(([x]) => Math.abs(toDouble(x as Value))));
  }
}

function integerRounding(fn: Unary) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    const [t] = argTypes;
    if (argTypes.length !== 1 || t === undefined || !isNumericOrBool(t)) return noOverload(name, argTypes, NUMERIC_OR_BOOL);
    if (isIntegral(t)) return scalar('bigint', nullIfAnyNull(([x]) => toBigInt(x as Value)));
    return scalar('double', nullIfAnyNull(([x]) => fn(toDouble(x as Value))));
  };
}

/** Round half away from zero to `digits` decimals (negative digits round to tens, hundreds...). */
export function roundHalfUp(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  if (digits === 0) return sign * Math.floor(ax + 0.5);
  if (digits > 0) {
    const m = 10 ** digits;
    const scaled = ax * m;
    if (!Number.isFinite(scaled)) return x;
    return (sign * Math.floor(scaled + 0.5)) / m;
  }
  const m = 10 ** -digits;
  return sign * Math.floor(ax / m + 0.5) * m;
}

function roundBigint(x: bigint, digits: number): bigint {
  if (digits >= 0) return x;
  if (digits < -19) return 0n;
  const m = 10n ** BigInt(-digits);
  const neg = x < 0n;
  const ax = neg ? -x : x;
  const r = ((ax + m / 2n) / m) * m;
  return BigInt.asIntN(64, neg ? -r : r);
}

function resolveRound(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t, d] = argTypes;
  const digitsOk = argTypes.length === 1 || (argTypes.length === 2 && d !== undefined && (isIntegral(d) || d === 'bool'));
  if (t === undefined || !isNumericOrBool(t) || !digitsOk) {
    return noOverload(name, argTypes, 'a numeric argument and optional integer digits');
  }
  const digitsOf = (args: readonly SqlValue[]) => (args.length > 1 ? toDouble(args[1] as Value) : 0);
  if (isIntegral(t)) {
    return scalar(
      t,
      nullIfAnyNull((args) => fromBigInt(roundBigint(toBigInt(args[0] as Value), digitsOf(args)), t)),
    );
  }
  if (t === 'float') return scalar('float', nullIfAnyNull((args) => Math.fround(roundHalfUp(args[0] as number, digitsOf(args)))));
  return scalar('double', nullIfAnyNull((args) => roundHalfUp(toDouble(args[0] as Value), digitsOf(args))));
}

function resolveTruncate(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isNumericOrBool(t)) return noOverload(name, argTypes, NUMERIC_OR_BOOL);
  if (isIntegral(t)) return scalar(t, nullIfAnyNull(([x]) => x as Value));
  if (t === 'float') return scalar('float', nullIfAnyNull(([x]) => Math.trunc(x as number)));
  return scalar('double', nullIfAnyNull(([x]) => Math.trunc(toDouble(x as Value))));
}

/** Two double arguments; float result only when both are float. */
function binaryFloating(fn: (a: number, b: number) => number, acceptBool: boolean, alwaysDouble = false) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    const accepts = (t: SqlType | undefined) => t !== undefined && (isNumeric(t) || (acceptBool && t === 'bool'));
    if (argTypes.length !== 2 || !accepts(argTypes[0]) || !accepts(argTypes[1])) {
      return noOverload(name, argTypes, acceptBool ? 'two numeric or bool arguments' : 'two numeric arguments');
    }
    if (!alwaysDouble && argTypes[0] === 'float' && argTypes[1] === 'float') {
      return scalar('float', nullIfAnyNull(([a, b]) => Math.fround(fn(a as number, b as number))));
    }
    return scalar('double', nullIfAnyNull(([a, b]) => fn(toDouble(a as Value), toDouble(b as Value))));
  };
}

function resolveLog(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length === 2) return binaryFloating((base, x) => Math.log(x) / Math.log(base), true)(argTypes, name);
  return floatPreserving(Math.log, true)(argTypes, name);
}

function resolvePmod(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [a, b] = argTypes;
  if (argTypes.length !== 2 || a === undefined || b === undefined || !isNumeric(a) || !isNumeric(b)) {
    return noOverload(name, argTypes, 'two numeric arguments');
  }
  const type = widerNumeric(a, b);
  const rem = resolveArithmetic('%', type, type);
  if (!rem.ok) return rem;
  const mod = rem.value.eval;
  const add = resolveArithmetic('+', type, type);
  if (!add.ok) return add;
  const plus = add.value.eval;
  const negative = (v: SqlValue) => (typeof v === 'bigint' ? v < 0n : (v as number) < 0);
  return scalar(
    type,
    nullIfAnyNull(([x, y]) => {
      const r = mod(x!, y!);
      if (r === null || !negative(r)) return r;
      return mod(plus(r, y!), y!);
    }),
  );
}

function resolveMod(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 2) return noOverload(name, argTypes, 'two numeric arguments');
  const rem = resolveArithmetic('%', argTypes[0]!, argTypes[1]!);
  if (!rem.ok) return noOverload(name, argTypes, 'two numeric arguments');
  const mod = rem.value.eval;
  return scalar(rem.value.type, ([x, y]) => mod(x!, y!));
}

function resolveInc(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isNumeric(t)) return noOverload(name, argTypes, NUMERIC);
  const one = t === 'bigint' ? 1n : 1;
  const plus = resolveArithmetic('+', t, t);
  if (!plus.ok) return plus;
  const add = plus.value.eval;
  return scalar(t, nullIfAnyNull(([x]) => add(x!, one)));
}

function resolveExtremum(pickGreater: boolean) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    const [a, b] = argTypes;
    const orderable = (t: SqlType | undefined) =>
      t !== undefined && (isNumeric(t) || t === 'string' || t === 'date' || t === 'timestamp');
    if (argTypes.length !== 2 || !orderable(a) || !orderable(b)) {
      return noOverload(name, argTypes, 'two numeric, string, date or timestamp arguments');
    }
    if (isNumeric(a!) && isNumeric(b!)) {
      const type = widerNumeric(a, b);
      const conv = (v: Value) => (type === 'bigint' ? toBigInt(v) : type === 'float' ? Math.fround(toDouble(v)) : toDouble(v));
      return scalar(
        type,
        nullIfAnyNull(([x, y]) => {
          const cx = conv(x as Value);
          const cy = conv(y as Value);
          const xWins = pickGreater ? cx >= cy : cx <= cy;
          return xWins ? cx : cy;
        }),
      );
    }
    if (a !== b) return noOverload(name, argTypes, 'two arguments of the same type');
    return scalar(
      a!,
      nullIfAnyNull(([x, y]) => {
        const xWins = pickGreater ? (x as string | number) >= (y as string | number) : (x as string | number) <= (y as string | number);
        return xWins ? x! : y!;
      }),
    );
  };
}

const EARTH_RADIUS_KM = 6372.8;

/** Great-circle distance in km between two (latitude, longitude) points in degrees (haversine). */
export function earthDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const p1 = rad(lat1);
  const p2 = rad(lat2);
  const dLat = p2 - p1;
  const dLon = rad(lon2) - rad(lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(a));
}

function resolveEarthDistance(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 4 || !argTypes.every(isNumeric)) return noOverload(name, argTypes, 'four numeric arguments');
  return scalar(
    'double',
    nullIfAnyNull((args) => {
      const [a, b, c, d] = args.map((v) => toDouble(v as Value)) as [number, number, number, number];
      return earthDistance(a, b, c, d);
    }),
  );
}

function resolveHex(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !(isNumeric(t) || t === 'string')) {
    return noOverload(name, argTypes, 'a numeric or string argument');
  }
  if (t === 'string') {
    return scalar(
      'string',
      nullIfAnyNull(([s]) =>
        Array.from(new TextEncoder().encode(s as string), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(''),
      ),
    );
  }
  const toInt = (v: Value) => (isIntegral(t) ? toBigInt(v) : BigInt(roundHalfUp(v as number, 0)));
  return scalar('string', nullIfAnyNull(([x]) => BigInt.asUintN(64, toInt(x as Value)).toString(16).toUpperCase()));
}

function resolveUnhex(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 1 || argTypes[0] !== 'string') return noOverload(name, argTypes, 'a string argument');
  return scalar(
    'string',
    nullIfAnyNull(([s]) => {
      const text = s as string;
      if (!/^[0-9A-Fa-f]*$/.test(text)) return null;
      const padded = text.length % 2 === 1 ? `0${text}` : text;
      const bytes = new Uint8Array(padded.length / 2);
      for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(padded.slice(2 * i, 2 * i + 2), 16);
      return new TextDecoder().decode(bytes);
    }),
  );
}

export const MATH_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['abs'], resolve: resolveAbs },
  { names: ['ceil', 'ceiling'], resolve: integerRounding(Math.ceil) },
  { names: ['floor'], resolve: integerRounding(Math.floor) },
  { names: ['round'], resolve: resolveRound },
  { names: ['truncate'], resolve: resolveTruncate },
  unaryDef(['exp'], Math.exp, true),
  unaryDef(['ln'], Math.log, true),
  { names: ['log'], resolve: resolveLog },
  unaryDef(['log2'], Math.log2, true),
  unaryDef(['log10'], Math.log10, true),
  unaryDef(['sqrt'], Math.sqrt, false),
  unaryDef(['sin'], Math.sin, false),
  unaryDef(['cos'], Math.cos, false),
  unaryDef(['tan'], Math.tan, false),
  unaryDef(['cot'], (x) => 1 / Math.tan(x), false),
  unaryDef(['asin'], Math.asin, false),
  unaryDef(['acos'], Math.acos, false),
  unaryDef(['atan'], Math.atan, false),
  unaryDef(['degrees'], (x) => (x * 180) / Math.PI, false),
  unaryDef(['radians'], (x) => (x * Math.PI) / 180, false),
  { names: ['atan2'], resolve: binaryFloating(Math.atan2, false) },
  { names: ['pow', 'power'], resolve: binaryFloating(Math.pow, true, true) },
  { names: ['pmod'], resolve: resolvePmod },
  { names: ['mod'], resolve: resolveMod },
  { names: ['inc'], resolve: resolveInc },
  { names: ['maximum'], resolve: resolveExtremum(true) },
  { names: ['minimum'], resolve: resolveExtremum(false) },
  { names: ['earth_distance'], resolve: resolveEarthDistance },
  { names: ['hex'], resolve: resolveHex },
  { names: ['unhex'], resolve: resolveUnhex },
];

