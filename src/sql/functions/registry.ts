/**
 * The built-in function registry: resolves a call by name (case-insensitive, with aliases) and
 * argument types to a scalar function, an aggregate, or a window navigation function.
 *
 * The caller says in which context the call appears:
 * - 'scalar': an ordinary expression;
 * - 'aggregate': `f(...) OVER w`, a call nested inside such a call's arguments, or a call in a
 *   GROUP BY / whole-table aggregation query. A name with an aggregate form resolves to it
 *   (count, sum, lag, join, ...); other names resolve to their scalar form, so that
 *   `abs(sum(x)) OVER w` and `identity(case ... end) OVER w` work.
 *
 * `count(*)` and `count_where(*, cond)`: pass `*` as a bool argument that is always true.
 *
 * An aggregate whose first argument is a list (window_split(...), split(...)) is applied to the
 * elements of every row's list: `join(window_split(c, ','), ' ') OVER w` joins all pieces of all
 * rows, newest row first; a NULL or empty list adds nothing.
 */
import { assert } from '../../base/assert.js';
import { Code, fail, ok, type Result } from '../../base/status.js';
import { isList, type SqlType, type SqlValue } from '../types.js';
import { BASIC_AGGREGATES } from './aggregates/basic.js';
import { CATEGORY_AGGREGATES } from './aggregates/category.js';
import { FREQUENCY_AGGREGATES } from './aggregates/frequency.js';
import { NAVIGATION_FUNCTIONS } from './aggregates/navigation.js';
import { ORDERED_AGGREGATES } from './aggregates/ordered.js';
import { STATISTICS_AGGREGATES } from './aggregates/statistics.js';
import { CONVERSION_FUNCTIONS } from './conversion.js';
import { DATETIME_FUNCTIONS } from './datetime.js';
import type {
  Accumulator,
  AggregateDef,
  AggregateResolution,
  ResolvedFunction,
  ScalarDef,
} from './function-types.js';
import { noOverload } from './function-types.js';
import { HASH_FUNCTIONS } from './hash.js';
import { JSON_FUNCTIONS } from './json.js';
import { LIST_FUNCTIONS } from './list.js';
import { MAP_FUNCTIONS } from './map.js';
import { MATH_FUNCTIONS } from './math.js';
import { NULL_HANDLING_FUNCTIONS } from './null-handling.js';
import { PATTERN_FUNCTIONS } from './pattern-functions.js';
import { STRING_FUNCTIONS } from './string.js';

export type CallContext = 'scalar' | 'aggregate';

function index<D extends { readonly names: readonly string[] }>(defs: readonly D[]): ReadonlyMap<string, D> {
  const byName = new Map<string, D>();
  for (const def of defs) {
    for (const name of def.names) {
      assert(!byName.has(name), `function registry: '${name}' is defined twice`);
      byName.set(name, def);
    }
  }
  return byName;
}

const SCALARS = index<ScalarDef>([
  ...MATH_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...NULL_HANDLING_FUNCTIONS,
  ...LIST_FUNCTIONS,
  ...MAP_FUNCTIONS,
  ...JSON_FUNCTIONS,
  ...PATTERN_FUNCTIONS,
  ...HASH_FUNCTIONS,
]);

const AGGREGATES = index<AggregateDef>([
  ...BASIC_AGGREGATES,
  ...CATEGORY_AGGREGATES,
  ...FREQUENCY_AGGREGATES,
  ...STATISTICS_AGGREGATES,
  ...ORDERED_AGGREGATES,
  ...NAVIGATION_FUNCTIONS,
]);

export function isAggregateFunction(name: string): boolean {
  return AGGREGATES.has(name.toLowerCase());
}

export function isScalarFunction(name: string): boolean {
  return SCALARS.has(name.toLowerCase());
}

/** All registered names (canonical names and aliases), sorted. */
export function functionNames(): string[] {
  return [...new Set([...SCALARS.keys(), ...AGGREGATES.keys()])].sort();
}

function resolveScalar(def: ScalarDef, lower: string, argTypes: readonly SqlType[]): Result<ResolvedFunction> {
  const r = def.resolve(argTypes, lower);
  if (!r.ok) return r;
  return ok({ kind: 'scalar', name: def.names[0]!, type: r.type, eval: r.eval });
}

/** Accumulator applying `inner` to every element of argument 0's list. */
function elementwise(inner: Accumulator): Accumulator {
  const each = (args: readonly SqlValue[], f: (a: readonly SqlValue[]) => void) => {
    const list = args[0];
    if (list === null || list === undefined) return;
    const rest = args.slice(1);
    for (const element of list as readonly SqlValue[]) f([element, ...rest]);
  };
  const remove = inner.remove;
  return {
    add: (args) => each(args, (a) => inner.add(a)),
    ...(remove === undefined ? {} : { remove: (args: readonly SqlValue[]) => each(args, (a) => remove.call(inner, a)) }),
    result: () => inner.result(),
  };
}

function resolveAggregateDef(def: AggregateDef, lower: string, argTypes: readonly SqlType[]): AggregateResolution {
  const first = argTypes[0];
  if (first === undefined || !isList(first)) return def.resolve(argTypes, lower);
  const r = def.resolve([first.element, ...argTypes.slice(1)], lower);
  if (!r.ok) return r;
  if (r.kind !== 'aggregate') return noOverload(lower, argTypes, 'a value that is not a list');
  const create = r.create;
  return { ...r, create: () => elementwise(create()) };
}

function finishAggregate(def: AggregateDef, r: AggregateResolution): Result<ResolvedFunction> {
  if (!r.ok) return r;
  const name = def.names[0]!;
  if (r.kind === 'navigation') return ok({ kind: 'navigation', name, type: r.type, offsetOf: r.offsetOf });
  return ok({
    kind: 'aggregate',
    name,
    type: r.type,
    create: r.create,
    removable: r.removable ?? false,
    orderSensitive: r.orderSensitive ?? false,
  });
}

/**
 * Resolves a call of the built-in `name` with arguments of `argTypes` in `context`. Fails with
 * a message naming the function and argument types when no overload accepts them, or when the
 * function is unknown.
 */
export function resolveFunction(
  name: string,
  argTypes: readonly SqlType[],
  context: CallContext = 'scalar',
): Result<ResolvedFunction> {
  const lower = name.toLowerCase();
  const scalarDef = SCALARS.get(lower);
  const aggregateDef = AGGREGATES.get(lower);
  if (context === 'aggregate' && aggregateDef !== undefined) {
    const r = finishAggregate(aggregateDef, resolveAggregateDef(aggregateDef, lower, argTypes));
    if (r.ok || scalarDef === undefined) return r;
    const s = resolveScalar(scalarDef, lower, argTypes);
    return s.ok ? s : r;
  }
  if (scalarDef !== undefined) return resolveScalar(scalarDef, lower, argTypes);
  if (aggregateDef !== undefined) {
    return fail(Code.sqlPlanError, `function '${lower}' is an aggregate: call it with OVER or in a GROUP BY query`);
  }
  return fail(Code.sqlPlanError, `unknown function '${name}'`);
}
