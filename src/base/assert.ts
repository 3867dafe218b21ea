/**
 * Assertions that stay on in production. A failed assertion is a bug in this program, never a
 * consequence of bad input: bad input is reported through a `Status` (see status.ts).
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(`assertion failed: ${message}`);
}

/** Marks a branch the type checker proves unreachable; a new union member fails to compile. */
export function unreachable(value: never, what = 'value'): never {
  throw new AssertionError(`unreachable: unexpected ${what} ${JSON.stringify(value)}`);
}
