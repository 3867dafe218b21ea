/**
 * Cast functions: bool(x), smallint/int16(x), int/int32(x), bigint/int64(x), float(x),
 * double(x), string/varchar(x), date(x), timestamp(x), with the CAST(x AS t) rules.
 */
import type { ColumnType } from '../../protocol/schema.js';
import { resolveCast } from '../operators/cast.js';
import type { SqlType } from '../types.js';
import { noOverload, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

function castTo(target: ColumnType) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    if (argTypes.length !== 1) return noOverload(name, argTypes, 'one argument');
    const conv = resolveCast(argTypes[0]!, target);
    if (!conv.ok) return noOverload(name, argTypes, `an argument that can be cast to ${target}`);
    const fn = conv.value;
    return scalar(target, ([v]) => fn(v!));
  };
}

export const CONVERSION_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['bool'], resolve: castTo('bool') },
  { names: ['smallint', 'int16'], resolve: castTo('smallint') },
  { names: ['int', 'int32'], resolve: castTo('int') },
  { names: ['bigint', 'int64'], resolve: castTo('bigint') },
  { names: ['float'], resolve: castTo('float') },
  { names: ['double'], resolve: castTo('double') },
  { names: ['string', 'varchar'], resolve: castTo('string') },
  { names: ['date'], resolve: castTo('date') },
  { names: ['timestamp'], resolve: castTo('timestamp') },
];
