/**
 * Text of floating-point numbers the way the reference (C++) prints them:
 * - `formatGeneral`: an ostream's default (printf "%g", 6 significant digits), used by
 *   string()/CAST AS string/concat: 1.1f → "1.1", 30.0 → "30", 1590115420000.0 → "1.59012e+12";
 * - `formatFixed`: printf "%f" (std::to_string), used by the *_cate and topn functions:
 *   1.1f → "1.100000".
 */

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

function stripFractionZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

export function formatGeneral(x: number, precision = 6): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = x.toExponential(precision - 1);
  const e = Number(exp.slice(exp.indexOf('e') + 1));
  if (e < -4 || e >= precision) {
    const mantissa = stripFractionZeros(exp.slice(0, exp.indexOf('e')));
    const sign = e < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return stripFractionZeros(x.toFixed(precision - 1 - e));
}

export function formatFixed(x: number, decimals = 6): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  if (Math.abs(x) < 1e21) return x.toFixed(decimals);
  // toFixed switches to exponent notation here; every such double is an integer.
  return `${BigInt(x).toString()}.${'0'.repeat(decimals)}`;
}
