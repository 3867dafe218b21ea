/**
 * Expected failures are values: a `Status` code plus a message that says what was attempted and
 * what was found. Codes follow the reference system's numbering where it has one (cluster.md §8,
 * sql.md §6), so operators and scripts see the numbers they know.
 */
export const Code = {
  ok: 0,
  // storage / tablet
  tableNotFound: 100,
  tableAlreadyExists: 101,
  tableIsLeader: 102,
  tableIsFollower: 103,
  tableIsLoading: 104,
  tableStatusIsNotNormal: 105,
  putFailed: 106,
  invalidRow: 107,
  indexNotFound: 108,
  keyNotFound: 109,
  exceedMaxMemory: 110,
  termFenced: 111,
  snapshotBusy: 112,
  tooManyRows: 113,
  noFollower: 134,
  // nameserver
  nameserverIsNotLeader: 300,
  autoFailoverIsEnabled: 301,
  endpointIsNotExist: 302,
  tabletIsNotHealthy: 303,
  setZkFailed: 304,
  createOpFailed: 305,
  addOpDataFailed: 306,
  invalidParameter: 307,
  pidIsNotExist: 308,
  leaderIsAlive: 309,
  noAliveFollower: 310,
  partitionIsAlive: 311,
  opStatusIsNotKdoingOrKinited: 312,
  databaseNotFound: 313,
  databaseAlreadyExists: 314,
  pidAlreadyExists: 317,
  migrateFailed: 320,
  // rpc / protocol
  rpcTimeout: 400,
  rpcConnectionLost: 401,
  rpcFrameTooLarge: 402,
  rpcMalformedFrame: 403,
  rpcUnknownMethod: 404,
  rpcIncompatiblePeer: 405,
  rpcBadRequest: 406,
  rpcOverloaded: 407,
  // sql
  sqlSyntaxError: 1001,
  sqlPlanError: 1002,
  sqlTypeError: 1003,
  sqlExecError: 1004,
  cmdError: 2000,
  // generic
  ioError: 500,
  corruption: 501,
  unavailable: 502,
  internal: 599,
} as const;

export type CodeName = keyof typeof Code;
export type StatusCode = (typeof Code)[CodeName];

const namesByCode = new Map<number, string>(Object.entries(Code).map(([k, v]) => [v, k]));

export function codeName(code: number): string {
  return namesByCode.get(code) ?? `code${code}`;
}

export interface Failure {
  readonly ok: false;
  readonly code: number;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | Failure;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export const okVoid: Result<void> = { ok: true, value: undefined };

export function fail(code: number, message: string): Failure {
  return { ok: false, code, message };
}

/** Error thrown at API edges (SDK, CLI) that carries a status code. */
export class DbError extends Error {
  override name = 'DbError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  static from(failure: Failure): DbError {
    return new DbError(failure.code, failure.message);
  }
}

/** Unwraps a result or throws a `DbError` carrying its code and message. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw DbError.from(result);
}
