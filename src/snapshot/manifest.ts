import { Code, type Result, fail, ok } from '../base/status.js';
import { type Disk, joinPath } from '../ports/disk.js';

/**
 * The snapshot MANIFEST: which data file is the current snapshot and which binlog offset it
 * covers. JSON, replaced atomically. Unknown fields are ignored so a newer build's additions do
 * not stop an older one; a newer formatVersion is refused with a message naming both versions.
 */
export const MANIFEST_FILE = 'MANIFEST';
export const MANIFEST_FORMAT_VERSION = 1;

export interface Manifest {
  readonly formatVersion: number;
  /** Binlog offset covered: every entry up to here is in the data file. */
  readonly offset: number;
  /** Term of the entry at `offset`. */
  readonly term: number;
  /** Records in the data file. */
  readonly count: number;
  /** Data file name, in the same directory. */
  readonly dataFile: string;
  readonly createdAtMs: number;
}

export function encodeManifest(manifest: Manifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

export function parseManifest(bytes: Uint8Array, path: string): Result<Manifest> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return fail(Code.corruption, `snapshot manifest ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null) return fail(Code.corruption, `snapshot manifest ${path} is not a JSON object`);
  const m = value as Record<string, unknown>;
  const version = m['formatVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail(Code.corruption, `snapshot manifest ${path} has no valid formatVersion`);
  }
  if (version > MANIFEST_FORMAT_VERSION) {
    return fail(
      Code.corruption,
      `snapshot manifest ${path} has format version ${version}; this build reads up to version ${MANIFEST_FORMAT_VERSION}`,
    );
  }
  const integers = ['offset', 'term', 'count', 'createdAtMs'] as const;
  for (const field of integers) {
    const v = m[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      return fail(Code.corruption, `snapshot manifest ${path} field '${field}' is ${JSON.stringify(v)}, expected a non-negative integer`);
    }
  }
  const dataFile = m['dataFile'];
  if (typeof dataFile !== 'string' || dataFile.length === 0 || dataFile.includes('/')) {
    return fail(Code.corruption, `snapshot manifest ${path} field 'dataFile' is ${JSON.stringify(dataFile)}, expected a file name`);
  }
  return ok({
    formatVersion: version,
    offset: m['offset'] as number,
    term: m['term'] as number,
    count: m['count'] as number,
    dataFile,
    createdAtMs: m['createdAtMs'] as number,
  });
}

/** The manifest in `snapshotDir`, or undefined when there is none (no snapshot yet). */
export async function readManifest(disk: Disk, snapshotDir: string): Promise<Result<Manifest | undefined>> {
  const path = joinPath(snapshotDir, MANIFEST_FILE);
  try {
    if (!(await disk.exists(path))) return ok(undefined);
    return parseManifest(await disk.readFile(path), path);
  } catch (error) {
    return fail(Code.ioError, `reading snapshot manifest ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
