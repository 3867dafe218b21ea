/**
 * Small structural validators for untrusted request bodies. A validator returns the typed value or
 * a message naming the field, the expectation and what was found; unknown fields are ignored (a
 * newer peer may send more) and optional fields may be missing (an older peer may send less).
 */
export type Check<T> = (value: unknown, path: string) => { ok: true; value: T } | { ok: false; message: string };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function bad(path: string, expected: string, value: unknown): { ok: false; message: string } {
  return { ok: false, message: `field '${path}' must be ${expected}, got ${describe(value)}` };
}

export const int: Check<number> = (v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) ? { ok: true, value: v } : bad(p, 'an integer', v);

export const nonNegativeInt: Check<number> = (v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? { ok: true, value: v } : bad(p, 'an integer >= 0', v);

export const num: Check<number> = (v, p) =>
  typeof v === 'number' && !Number.isNaN(v) ? { ok: true, value: v } : bad(p, 'a number', v);

export const str: Check<string> = (v, p) => (typeof v === 'string' ? { ok: true, value: v } : bad(p, 'a string', v));

export const bool: Check<boolean> = (v, p) =>
  typeof v === 'boolean' ? { ok: true, value: v } : bad(p, 'true or false', v);

export const bytes: Check<Uint8Array> = (v, p) =>
  v instanceof Uint8Array ? { ok: true, value: v } : bad(p, 'binary data', v);

export const unknownValue: Check<unknown> = (v) => ({ ok: true, value: v });

export function oneOf<const T extends string>(...choices: T[]): Check<T> {
  return (v, p) =>
    typeof v === 'string' && (choices as string[]).includes(v)
      ? { ok: true, value: v as T }
      : bad(p, `one of ${choices.join(', ')}`, v);
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, p) => (v === undefined || v === null ? { ok: true, value: undefined } : check(v, p));
}

export function withDefault<T>(check: Check<T>, fallback: T): Check<T> {
  return (v, p) => (v === undefined || v === null ? { ok: true, value: fallback } : check(v, p));
}

export function arrayOf<T>(check: Check<T>, maxLength = 1_000_000): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return bad(p, 'an array', v);
    if (v.length > maxLength) return { ok: false, message: `field '${p}' has ${v.length} items, limit ${maxLength}` };
    const out = new Array<T>(v.length);
    for (let i = 0; i < v.length; i++) {
      // The item's path is only built for a failure (checks are pure: run it again to name it).
      const r = check(v[i], p);
      if (!r.ok) {
        const named = check(v[i], `${p}[${i}]`);
        return named.ok ? r : named;
      }
      out[i] = r.value;
    }
    return { ok: true, value: out };
  };
}

type Shape = Record<string, Check<unknown>>;
type FromShape<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

export function object<S extends Shape>(shape: S): Check<FromShape<S>> {
  const fields = Object.entries(shape);
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
      return bad(p || 'body', 'an object', v);
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const [key, check] = fields[i]!;
      const r = check((v as Record<string, unknown>)[key], p ? `${p}.${key}` : key);
      if (!r.ok) return r;
      if (r.value !== undefined) out[key] = r.value;
    }
    return { ok: true, value: out as FromShape<S> };
  };
}
