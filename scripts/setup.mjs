#!/usr/bin/env node
// Idempotent set-up run by `npm start`, `npm test` and the benchmarks on a fresh machine:
// installs npm packages when node_modules is missing or stale, and the Debian packages a purpose
// needs (ZooKeeper for tests, redis-server for benchmarks). Plain Node, no dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv[2] ?? 'start';
const DEBIAN = {
  start: [],
  test: [{ pkg: 'zookeeper', check: '/usr/share/java/zookeeper.jar' }],
  bench: [
    { pkg: 'zookeeper', check: '/usr/share/java/zookeeper.jar' },
    { pkg: 'redis-server', check: '/usr/bin/redis-server' },
  ],
};

function log(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function ensureNpm() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  const modules = join(root, 'node_modules');
  if (existsSync(modules) && lstatSync(modules).isSymbolicLink()) {
    // A copy of the repository sharing another checkout's packages: npm ci would empty them there.
    log('node_modules is a symbolic link: not reinstalling through it');
    return;
  }
  log('installing npm packages (npm ci)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ci failed with exit code ${r.status}`);
}

function hasDebian(check) {
  return existsSync(check);
}

function ensureDebian(list) {
  const missing = list.filter((d) => !hasDebian(d.check)).map((d) => d.pkg);
  if (missing.length === 0) return;
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    const r = spawnSync(cmd, rest, { stdio: 'inherit', env });
    return r.status === 0;
  };
  // `zookeeper` only; `zookeeperd` would start a system server on all interfaces.
  if (!run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing])) {
    if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing])) {
      throw new Error(`could not install ${missing.join(', ')} with apt-get; install them and re-run`);
    }
  }
  for (const d of list) if (!hasDebian(d.check)) throw new Error(`${d.pkg} installed but ${d.check} is missing`);
}

try {
  if (!DEBIAN[purpose]) throw new Error(`unknown purpose '${purpose}' (start, test or bench)`);
  ensureNpm();
  ensureDebian(DEBIAN[purpose]);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
} catch (err) {
  log(`failed: ${err.message}`);
  process.exit(1);
}
