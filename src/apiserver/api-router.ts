/**
 * Method + path → endpoint (sql.md §6). Paths are fixed segments and `:name` parameters (one
 * non-empty, percent-decoded segment each); the query string is ignored; one trailing `/` is
 * allowed. Failures carry the reference's messages: "unsupported method" (no endpoint uses the
 * verb), "no match method" (no endpoint for this path and verb), "invalid url".
 */

export type RouteName =
  | 'put'
  | 'callDeployment'
  | 'callProcedure'
  | 'getDeployment'
  | 'getProcedure'
  | 'executeSql'
  | 'listDatabases'
  | 'listTables'
  | 'getTable'
  | 'refresh';

export type RouteMatch =
  | { readonly ok: true; readonly route: RouteName; readonly params: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly msg: string };

interface RouteDef {
  readonly method: string;
  readonly segments: readonly string[];
  readonly route: RouteName;
}

function def(method: string, path: string, route: RouteName): RouteDef {
  return { method, segments: path.split('/').slice(1), route };
}

const ROUTES: readonly RouteDef[] = [
  def('PUT', '/dbs/:db/tables/:table', 'put'),
  def('POST', '/dbs/:db/deployments/:name', 'callDeployment'),
  def('POST', '/dbs/:db/procedures/:name', 'callProcedure'),
  def('GET', '/dbs/:db/deployments/:name', 'getDeployment'),
  def('GET', '/dbs/:db/procedures/:name', 'getProcedure'),
  def('POST', '/dbs/:db', 'executeSql'),
  def('GET', '/dbs', 'listDatabases'),
  def('GET', '/dbs/:db/tables', 'listTables'),
  def('GET', '/dbs/:db/tables/:table', 'getTable'),
  def('POST', '/refresh', 'refresh'),
];

const METHODS = new Set(ROUTES.map((r) => r.method));

/** Path segments after the leading '/', decoded; undefined when the path is not a valid URL path. */
function pathSegments(url: string): string[] | undefined {
  const end = url.search(/[?#]/);
  const path = end < 0 ? url : url.slice(0, end);
  if (!path.startsWith('/')) return undefined;
  const raw = path.slice(1).split('/');
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function matchRoute(method: string, url: string): RouteMatch {
  const verb = method.toUpperCase();
  if (!METHODS.has(verb)) return { ok: false, msg: 'unsupported method' };
  const segments = pathSegments(url);
  if (segments === undefined) return { ok: false, msg: 'invalid url' };
  for (const r of ROUTES) {
    if (r.method !== verb || r.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < segments.length && matched; i++) {
      const want = r.segments[i]!;
      const got = segments[i]!;
      if (want.startsWith(':')) {
        if (got === '') matched = false;
        else params[want.slice(1)] = got;
      } else matched = want === got;
    }
    if (matched) return { ok: true, route: r.route, params };
  }
  return { ok: false, msg: 'no match method' };
}
