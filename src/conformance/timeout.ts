/**
 * Bounds one engine call: a call that throws or does not settle within the limit becomes an
 * `EngineCallError`, so a misbehaving engine fails the case in progress and not the run.
 */
export class EngineCallError extends Error {
  override name = 'EngineCallError';
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** Runs one engine call under the case's limit (see runner.ts). */
export type Guard = <T>(what: string, call: () => Promise<T>) => Promise<T>;

export async function withTimeout<T>(what: string, call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineCallError(`${what}: no answer within ${timeoutMs} ms`, true)), timeoutMs);
  });
  try {
    return await Promise.race([call(), expired]);
  } catch (e) {
    if (e instanceof EngineCallError) throw e;
    throw new EngineCallError(`${what}: engine threw: ${e instanceof Error ? e.message : String(e)}`, false);
  } finally {
    clearTimeout(timer);
  }
}
