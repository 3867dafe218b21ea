/** The `--name=value` and `--name` flags of a benchmark's command line. */

export function hasFlag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** A positive number flag, or `fallback` when absent. */
export function numberFlag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, got '${arg}'`);
  return value;
}

/** Fails on flags the benchmark does not know, so a typo does not silently run the defaults. */
export function checkFlags(known: readonly string[]): void {
  for (const arg of process.argv.slice(2)) {
    const name = arg.replace(/^--/, '').replace(/=.*$/, '');
    if (!arg.startsWith('--') || !known.includes(name)) {
      throw new Error(`unknown argument '${arg}'; known flags: ${known.map((k) => `--${k}`).join(' ')}`);
    }
  }
}

/** A string flag (`--name=value`), or undefined when absent. */
export function stringFlag(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  const value = arg.slice(name.length + 3);
  if (value === '') throw new Error(`--${name} needs a value`);
  return value;
}

/** A comma-separated list flag (`--name=a,b`) whose items must be among `allowed`; `fallback` when absent. */
export function listFlag<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  const value = stringFlag(name);
  if (value === undefined) return [...fallback];
  const items = value.split(',');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new Error(`--${name}: '${item}' is not one of ${allowed.join(', ')}`);
  }
  return items as T[];
}
