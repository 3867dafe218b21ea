/**
 * Plan expressions → closures over an `EvalCtx`. Columns of encoded rows are decoded one at a
 * time with the slot's codec, so a query decodes only what it reads.
 */
import { assert } from '../../base/assert.js';
import type { Value } from '../../protocol/schema.js';
import { truthOf } from '../operators/logic.js';
import type { PlanExpr } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';
import type { EvalCtx, Evaluator } from './eval-context.js';

export function compileExpr(e: PlanExpr): Evaluator {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'param': {
      const i = e.index;
      return (ctx) => ctx.params[i] ?? null;
    }
    case 'column': {
      const s = e.source;
      const c = e.column;
      return (ctx) => {
        const r = ctx.rows[s];
        if (r === null || r === undefined) return null;
        if (r instanceof Uint8Array) {
          const codec = ctx.codecs[s];
          // The message is built only on failure (a template in a hot assert costs more than the read).
          if (codec === undefined) assert(false, `source ${s} holds encoded rows but has no codec`);
          return codec.decodeColumn(r, c);
        }
        return (r as readonly SqlValue[])[c] ?? null;
      };
    }
    case 'slot': {
      const slot = e.slot;
      return (ctx) => ctx.slots[slot] ?? null;
    }
    case 'call':
      return compileCall(e.args.map(compileExpr), e.eval);
    case 'case': {
      const whens = e.whens.map((w) => ({ when: compileExpr(w.when), result: compileExpr(w.result) }));
      const otherwise = compileExpr(e.elseResult);
      return (ctx) => {
        for (const w of whens) if (isTrue(w.when(ctx))) return w.result(ctx);
        return otherwise(ctx);
      };
    }
  }
}

function compileCall(args: readonly Evaluator[], f: (a: readonly SqlValue[]) => SqlValue): Evaluator {
  switch (args.length) {
    case 0:
      return () => f([]);
    case 1: {
      const [a] = args as [Evaluator];
      return (ctx) => f([a(ctx)]);
    }
    case 2: {
      const [a, b] = args as [Evaluator, Evaluator];
      return (ctx) => f([a(ctx), b(ctx)]);
    }
    default:
      return (ctx) => f(args.map((a) => a(ctx)));
  }
}

/** A condition holds when it is non-NULL and true (numbers: non-zero), as WHERE/ON/WHEN read it. */
export function isTrue(v: SqlValue): boolean {
  return v !== null && v !== undefined && typeof v !== 'object' && truthOf(v as Value);
}

export function compileCondition(e: PlanExpr | undefined): ((ctx: EvalCtx) => boolean) | undefined {
  if (e === undefined) return undefined;
  const f = compileExpr(e);
  return (ctx) => isTrue(f(ctx));
}
