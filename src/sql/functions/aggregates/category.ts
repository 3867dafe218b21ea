/**
 * Category aggregates. Rows with a NULL category or value are skipped; a *_where form also
 * skips rows whose condition does not hold. Per category the values are reduced (count, sum,
 * avg, min, max) and the result is a string "k1:v1,k2:v2":
 * - X_cate(value, cat), X_cate_where(value, cond, cat): all categories, ascending by key;
 * - top_n_key_X_cate_where(value, cond, cat, n): the n largest keys, descending by key;
 * - top_n_value_X_cate_where(value, cond, cat, n): the n largest values, descending by value
 *   (ties: larger key first);
 * - top_n_key_ratio_cate / top_n_value_ratio_cate(value, cond, cat, n): per category, the
 *   share of rows whose condition holds, ordered the same ways.
 * n < 0 means all categories, n = 0 none. Categories may be integers, timestamps, dates or
 * strings; the values of sum/avg/min/max must be numbers.
 */
import type { Value } from '../../../protocol/schema.js';
import { compareSameType } from '../../operators/comparison.js';
import { toDouble } from '../../operators/numeric.js';
import { isIntegral, isNumeric, isPrimitive, type PrimitiveType, type SqlType, type SqlValue } from '../../types.js';
import type { AggregateDef, AggregateResolution } from '../function-types.js';
import { noOverload } from '../function-types.js';
import { aggregate, holds } from './aggregate-helpers.js';
import { formatItem } from './format-item.js';
import { type Reducer, type ReducerKind, reducerFactory, reducerType } from './reducers.js';

const CATEGORY_TYPES: readonly PrimitiveType[] = ['smallint', 'int', 'bigint', 'timestamp', 'date', 'string'];

type Order = 'key-asc' | 'key-desc' | 'value-desc';

interface Layout {
  readonly value: number;
  readonly cond?: number;
  readonly cat: number;
  readonly n?: number;
}

const PLAIN: Layout = { value: 0, cat: 1 };
const WHERE: Layout = { value: 0, cond: 1, cat: 2 };
const TOP: Layout = { value: 0, cond: 1, cat: 2, n: 3 };

interface Entry {
  readonly key: Value;
  readonly value: Value;
}

function render(entries: Entry[], order: Order, limit: number | undefined, keyType: PrimitiveType, valueType: PrimitiveType): string {
  if (order === 'key-asc') entries.sort((a, b) => compareSameType(a.key, b.key));
  else if (order === 'key-desc') entries.sort((a, b) => compareSameType(b.key, a.key));
  else entries.sort((a, b) => compareSameType(b.value, a.value) || compareSameType(b.key, a.key));
  const chosen = limit === undefined || limit < 0 ? entries : entries.slice(0, limit);
  return chosen.map((e) => `${formatItem(e.key, keyType)}:${formatItem(e.value, valueType)}`).join(',');
}

function limitOf(v: SqlValue | undefined): number | undefined {
  return v === null || v === undefined ? undefined : toDouble(v as Value);
}

function validate(argTypes: readonly SqlType[], layout: Layout, valueOk: (t: PrimitiveType) => boolean): boolean {
  const arity = layout.n !== undefined ? 4 : layout.cond !== undefined ? 3 : 2;
  if (argTypes.length !== arity || !argTypes.every(isPrimitive)) return false;
  const types = argTypes as readonly PrimitiveType[];
  if (!valueOk(types[layout.value]!)) return false;
  if (!CATEGORY_TYPES.includes(types[layout.cat]!)) return false;
  return layout.n === undefined || isIntegral(types[layout.n]!);
}

function expected(layout: Layout, kind: ReducerKind | 'ratio'): string {
  const value = kind === 'count' || kind === 'ratio' ? 'a value' : 'a numeric value';
  const parts = [value];
  if (layout.cond !== undefined) parts.push('a condition');
  parts.push('an integer, timestamp, date or string category');
  if (layout.n !== undefined) parts.push('an integer count');
  return parts.join(', ');
}

function reducedCategories(kind: ReducerKind, layout: Layout, order: Order) {
  return (argTypes: readonly SqlType[], name: string): AggregateResolution => {
    const valueOk = (t: PrimitiveType) => kind === 'count' || isNumeric(t);
    if (!validate(argTypes, layout, valueOk)) return noOverload(name, argTypes, expected(layout, kind));
    const valueType = argTypes[layout.value] as PrimitiveType;
    const keyType = argTypes[layout.cat] as PrimitiveType;
    const make = reducerFactory(kind, valueType);
    const outType = reducerType(kind, valueType);
    return aggregate('string', () => {
      const groups = new Map<Value, Reducer>();
      let limit: number | undefined;
      return {
        add(args) {
          if (layout.n !== undefined) limit = limitOf(args[layout.n]) ?? limit;
          const key = args[layout.cat];
          const v = args[layout.value];
          if (key === null || v === null || (layout.cond !== undefined && !holds(args[layout.cond]))) return;
          let r = groups.get(key as Value);
          if (r === undefined) {
            r = make();
            groups.set(key as Value, r);
          }
          r.add(v as Value);
        },
        result() {
          const entries = [...groups].map(([key, r]) => ({ key, value: r.result() }));
          return render(entries, order, layout.n === undefined ? undefined : (limit ?? 0), keyType, outType);
        },
      };
    });
  };
}

function ratioCategories(order: Order) {
  return (argTypes: readonly SqlType[], name: string): AggregateResolution => {
    if (!validate(argTypes, TOP, () => true)) return noOverload(name, argTypes, expected(TOP, 'ratio'));
    const keyType = argTypes[TOP.cat] as PrimitiveType;
    return aggregate('string', () => {
      const groups = new Map<Value, { total: number; matched: number }>();
      let limit: number | undefined;
      return {
        add(args) {
          limit = limitOf(args[TOP.n!]) ?? limit;
          const key = args[TOP.cat];
          if (key === null || args[TOP.value] === null) return;
          let g = groups.get(key as Value);
          if (g === undefined) {
            g = { total: 0, matched: 0 };
            groups.set(key as Value, g);
          }
          g.total += 1;
          if (holds(args[TOP.cond!])) g.matched += 1;
        },
        result() {
          const entries = [...groups].map(([key, g]) => ({ key, value: g.matched / g.total }));
          return render(entries, order, limit ?? 0, keyType, 'double');
        },
      };
    });
  };
}

const KINDS: readonly ReducerKind[] = ['count', 'sum', 'avg', 'min', 'max'];

export const CATEGORY_AGGREGATES: readonly AggregateDef[] = [
  ...KINDS.flatMap((kind): AggregateDef[] => [
    { names: [`${kind}_cate`], resolve: reducedCategories(kind, PLAIN, 'key-asc') },
    { names: [`${kind}_cate_where`], resolve: reducedCategories(kind, WHERE, 'key-asc') },
    { names: [`top_n_key_${kind}_cate_where`], resolve: reducedCategories(kind, TOP, 'key-desc') },
    { names: [`top_n_value_${kind}_cate_where`], resolve: reducedCategories(kind, TOP, 'value-desc') },
  ]),
  { names: ['top_n_key_ratio_cate'], resolve: ratioCategories('key-desc') },
  { names: ['top_n_value_ratio_cate'], resolve: ratioCategories('value-desc') },
];
