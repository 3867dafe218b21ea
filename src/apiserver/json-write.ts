/**
 * JSON text for responses: `bigint` is written as a JSON integer (int64 stays exact), non-finite
 * numbers as the tokens `NaN`, `Infinity`, `-Infinity` (sql.md §6, the reference writes them), and
 * `RawJson` as the text it holds (a double already formatted by `doubleText`). Object members
 * whose value is `undefined` are left out.
 */

/** Text inserted as it is: the caller guarantees it is one JSON value. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type JsonOut =
  | null
  | boolean
  | number
  | bigint
  | string
  | RawJson
  | readonly JsonOut[]
  | { readonly [name: string]: JsonOut | undefined };

export function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
  return String(n);
}

/**
 * A FLOAT/DOUBLE value as the reference prints it: the shortest text that reads back to the same
 * double, with `.0` on integral values (`3.0`, `-0.0`, `1e21` without the `+`).
 */
export function doubleText(n: number): string {
  if (!Number.isFinite(n)) return numberText(n);
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n);
  if (s.includes('e')) return s.replace('e+', 'e');
  return s.includes('.') ? s : `${s}.0`;
}

export function writeJson(value: JsonOut): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(v: JsonOut, out: string[]): void {
  if (v === null) out.push('null');
  else if (typeof v === 'string') out.push(JSON.stringify(v));
  else if (typeof v === 'number') out.push(numberText(v));
  else if (typeof v === 'bigint') out.push(v.toString());
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (v instanceof RawJson) out.push(v.text);
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i] as JsonOut, out);
    }
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const [name, member] of Object.entries(v as { readonly [name: string]: JsonOut | undefined })) {
      if (member === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(name), ':');
      write(member, out);
    }
    out.push('}');
  }
}
