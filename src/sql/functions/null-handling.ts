/**
 * NULL handling: isnull/is_null(x) (never NULL), ifnull/if_null/nvl(x, fallback),
 * nvl2(x, ifNotNull, ifNull) and identity(x). The result of ifnull/nvl2 has the common type of
 * the branches (e.g. int and string give string, bigint and float give double).
 */
import { resolveCast } from '../operators/cast.js';
import { commonType, type SqlType } from '../types.js';
import { noOverload, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

function resolveIsNull(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 1) return noOverload(name, argTypes, 'one argument');
  return scalar('bool', ([v]) => v === null);
}

function resolveIfNull(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 2) return noOverload(name, argTypes, 'two arguments');
  const type = commonType(argTypes[0]!, argTypes[1]!);
  if (!type.ok) return noOverload(name, argTypes, 'two arguments with a common type');
  const a = resolveCast(argTypes[0]!, type.value);
  const b = resolveCast(argTypes[1]!, type.value);
  if (!a.ok || !b.ok) return noOverload(name, argTypes, 'two arguments with a common type');
  const [ca, cb] = [a.value, b.value];
  return scalar(type.value, ([x, d]) => (x !== null ? ca(x!) : cb(d!)));
}

function resolveNvl2(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 3) return noOverload(name, argTypes, 'three arguments');
  const type = commonType(argTypes[1]!, argTypes[2]!);
  if (!type.ok) return noOverload(name, argTypes, 'a value and two branches with a common type');
  const a = resolveCast(argTypes[1]!, type.value);
  const b = resolveCast(argTypes[2]!, type.value);
  if (!a.ok || !b.ok) return noOverload(name, argTypes, 'a value and two branches with a common type');
  const [ca, cb] = [a.value, b.value];
  return scalar(type.value, ([x, y, z]) => (x !== null ? ca(y!) : cb(z!)));
}

function resolveIdentity(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 1) return noOverload(name, argTypes, 'one argument');
  return scalar(argTypes[0]!, ([v]) => v!);
}

export const NULL_HANDLING_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['isnull', 'is_null'], resolve: resolveIsNull },
  { names: ['ifnull', 'if_null', 'nvl'], resolve: resolveIfNull },
  { names: ['nvl2'], resolve: resolveNvl2 },
  { names: ['identity'], resolve: resolveIdentity },
];
