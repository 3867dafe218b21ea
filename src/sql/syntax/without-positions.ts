/**
 * A copy of a syntax tree with every `pos` removed, for comparing trees by structure (two parses
 * of the same statement written differently, a tree and the parse of its printed form).
 */
export function withoutPositions<T>(node: T): T {
  if (Array.isArray(node)) return node.map((item) => withoutPositions(item)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'pos' && value !== undefined) out[key] = withoutPositions(value);
  }
  return out as T;
}
