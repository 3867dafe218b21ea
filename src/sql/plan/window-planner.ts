/**
 * WINDOW specs → window plans (sql.md §4.4): PARTITION BY plain columns of index-key types, at
 * most one ORDER BY column of an integer or timestamp type, a ROWS or ROWS_RANGE frame whose
 * bounds are PRECEDING or CURRENT ROW (a ROWS bound counts rows and takes no unit; a ROWS_RANGE
 * bound is an order-key delta, an interval in milliseconds), MAXSIZE only on ROWS_RANGE, and
 * the restrictions of a window without ORDER BY.
 */
import { Code } from '../../base/status.js';
import type { FrameBound as AstBound, Interval, WindowSpec } from '../syntax/index.js';
import { typeName } from '../types.js';
import { abort } from './plan-error.js';
import type { ColumnExpr, FrameBound, FrameSpec, PlanExpr, UnionSource, WindowPlan } from './plan-types.js';

const PARTITION_TYPES = new Set(['bool', 'smallint', 'int', 'bigint', 'string', 'date', 'timestamp']);
const ORDER_TYPES = new Set(['smallint', 'int', 'bigint', 'timestamp']);

const UNIT_MS: Readonly<Record<Interval['unit'], number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface WindowInputs {
  /** Plans a PARTITION BY / ORDER BY expression in the select's scope. */
  readonly planColumn: (e: WindowSpec['partitionBy'][number]) => PlanExpr;
  /** Plans a UNION source (a table or subquery) checked against the window's input columns. */
  readonly planUnion: (item: WindowSpec['unions'][number]) => UnionSource;
}

function bound(b: AstBound, unit: FrameSpec['unit'], which: 'start' | 'end'): FrameBound {
  switch (b.kind) {
    case 'unboundedPreceding':
      if (which === 'end') abort(b.pos, 'a window frame cannot end at UNBOUNDED PRECEDING');
      return { kind: 'unbounded' };
    case 'currentRow':
      return { kind: 'offset', offset: 0, open: false };
    case 'preceding': {
      const o = b.offset;
      let offset: number;
      if (o.kind === 'interval') {
        if (unit === 'rows') abort(o.pos, `a ROWS frame bound counts rows and takes no time unit, got '${o.image}'`);
        offset = o.value * UNIT_MS[o.unit];
      } else {
        offset = Number(o.value);
      }
      // A negative bound behaves like CURRENT ROW (0 PRECEDING).
      return { kind: 'offset', offset: Math.max(0, offset), open: b.open };
    }
  }
}

export function planWindow(name: string, spec: WindowSpec, inputs: WindowInputs): Omit<WindowPlan, 'calls'> {
  if (spec.partitionBy.length === 0) abort(spec.pos, `window '${name}' needs PARTITION BY`);
  const partitionBy: ColumnExpr[] = spec.partitionBy.map((p) => {
    const e = inputs.planColumn(p);
    if (e.kind !== 'column') abort(p.pos, `PARTITION BY of window '${name}' takes plain columns`);
    if (!PARTITION_TYPES.has(typeName(e.type))) {
      abort(p.pos, `window '${name}' cannot be partitioned by column '${e.name}' of type ${typeName(e.type)}`, Code.sqlTypeError);
    }
    return e;
  });
  if (spec.orderBy.length > 1) abort(spec.orderBy[1]!.pos, `window '${name}' takes one ORDER BY column`);
  let orderBy: ColumnExpr | undefined;
  const orderAst = spec.orderBy[0];
  if (orderAst !== undefined) {
    const e = inputs.planColumn(orderAst);
    if (e.kind !== 'column') abort(orderAst.pos, `ORDER BY of window '${name}' takes a plain column`);
    if (!ORDER_TYPES.has(typeName(e.type))) {
      abort(
        orderAst.pos,
        `window '${name}' cannot be ordered by column '${e.name}' of type ${typeName(e.type)} (needs smallint, int, bigint or timestamp)`,
        Code.sqlTypeError,
      );
    }
    orderBy = e;
  }
  const f = spec.frame;
  if (f === undefined) abort(spec.pos, `window '${name}' needs a frame (ROWS or ROWS_RANGE BETWEEN ...)`);
  const unit = f.unit === 'ROWS' ? 'rows' : 'range';
  const frame: FrameSpec = { unit, start: bound(f.start, unit, 'start'), end: bound(f.end, unit, 'end') };
  let maxSize: number | undefined;
  if (spec.maxSize !== undefined) {
    if (unit === 'rows') abort(spec.maxSize.pos, `MAXSIZE is only allowed on a ROWS_RANGE window ('${name}' is ROWS)`);
    maxSize = Number(spec.maxSize.value);
    if (!(maxSize > 0)) abort(spec.maxSize.pos, `MAXSIZE of window '${name}' must be positive, got ${maxSize}`);
  }
  if (orderBy === undefined) {
    if (spec.excludeCurrentTime) abort(spec.pos, `EXCLUDE CURRENT_TIME needs an ORDER BY in window '${name}'`);
    const unboundedToCurrent =
      frame.start.kind === 'unbounded' && frame.end.kind === 'offset' && frame.end.offset === 0 && !frame.end.open;
    if (unit === 'range' && !unboundedToCurrent) {
      abort(spec.pos, `a ROWS_RANGE window without ORDER BY must be UNBOUNDED PRECEDING AND CURRENT ROW ('${name}')`);
    }
  }
  const unions = spec.unions.map((u) => inputs.planUnion(u));
  return {
    name,
    pos: spec.pos,
    partitionBy,
    ...(orderBy === undefined ? {} : { orderBy }),
    frame,
    ...(maxSize === undefined ? {} : { maxSize }),
    excludeCurrentRow: spec.excludeCurrentRow,
    excludeCurrentTime: spec.excludeCurrentTime,
    // Without UNION sources the main rows are the only members: the attribute has no effect.
    instanceNotInWindow: spec.instanceNotInWindow && unions.length > 0,
    unions,
  };
}
