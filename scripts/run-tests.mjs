#!/usr/bin/env node
// Test entry point (`npm test [-- <substring>...]`).
//
// 1. Collects src/**/*.test.ts and test/**/*.test.ts, optionally filtered by
//    the CLI arguments (a file is kept when its path contains any of them).
// 2. Lints with Biome (biome.json; HOTLINE_SKIP_LINT=1 skips it): a lint error fails the run.
//    Type-checks the project with tsc. Set HOTLINE_SKIP_TYPECHECK=1 to skip
//    this step, e.g. to run one suite while unrelated files do not compile.
// 3. Starts a throwaway PostgreSQL cluster on 127.0.0.1 when the server
//    binaries are installed, and passes its admin URL to the tests as
//    HOTLINE_TEST_PG_URL. Without it, integration suites run on SQLite only.
// 4. Runs all files in ONE `node --test` process, so there is one summary,
//    and exits with its exit code. The cluster and its directory are always
//    removed afterwards, also on SIGINT/SIGTERM and on errors.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST_ROOTS = ['src', 'test'];
const CHROMIUM = '/usr/bin/chromium';
const PG_START_TIMEOUT_S = 30;

// ---------------------------------------------------------------- test files

function findTestFiles(filters) {
  const files = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && entry.name.endsWith('.test.ts')) files.push(rel);
    }
  };
  TEST_ROOTS.forEach(walk);
  files.sort();
  return filters.length ? files.filter((f) => filters.some((s) => f.includes(s))) : files;
}

// ------------------------------------------------------------------- helpers

/**
 * Runs a command to completion, capturing its output. Never rejects.
 * `interruptible` children get our SIGINT/SIGTERM forwarded; the others
 * (cluster setup) are short and left to finish so cleanup sees a known state.
 */
function run(cmd, args, { interruptible = false, ...opts } = {}) {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { cwd: ROOT, ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: -1, out: String(err.message) });
      return;
    }
    if (interruptible) children.add(child);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => (out += String(err.message)));
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : -1), out });
    });
  });
}

const lastLine = (text) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop() ?? '';

const shQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

function which(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- PostgreSQL

/**
 * Directories holding initdb + pg_ctl + postgres, highest version first.
 * Symlinks are resolved so that wrappers (e.g. Debian's pg_wrapper on PATH)
 * do not count as a server installation.
 */
function findPgBinDirs() {
  const dirs = new Set();
  const add = (dir) => {
    try {
      const real = path.dirname(fs.realpathSync(path.join(dir, 'initdb')));
      if (['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(real, b)))) dirs.add(real);
    } catch {
      /* no initdb there */
    }
  };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) add(dir);
  try {
    for (const v of fs.readdirSync('/usr/lib/postgresql')) add(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    /* not a Debian-style install */
  }
  const version = (dir) => {
    const r = spawnSync(path.join(dir, 'pg_ctl'), ['--version'], { encoding: 'utf8' });
    const m = /(\d+)(?:\.(\d+))?/.exec(r.stdout ?? '');
    return m ? Number(m[1]) * 1000 + Number(m[2] ?? 0) : -1;
  };
  return [...dirs]
    .map((dir) => ({ dir, v: version(dir) }))
    .filter((d) => d.v >= 0)
    .sort((a, b) => b.v - a.v)
    .map((d) => d.dir);
}

function userIds(name) {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * initdb and postgres refuse to run as root, so root runs them as an
 * unprivileged system user: Debian's `postgres`, or one created here.
 */
function pickServerUser() {
  if (process.getuid?.() !== 0) return { ok: true, user: null };
  for (const name of ['postgres', 'hotline-pg']) {
    const ids = userIds(name);
    if (ids) return { ok: true, user: { name, ...ids } };
  }
  const useradd = which('useradd', ['/usr/sbin', '/sbin']);
  const r = useradd
    ? spawnSync(useradd, ['--system', '--no-create-home', 'hotline-pg'], { encoding: 'utf8' })
    : null;
  const ids = userIds('hotline-pg');
  if (ids) return { ok: true, user: { name: 'hotline-pg', ...ids } };
  return { ok: false, reason: `running as root and could not create a user for the server: ${lastLine(r?.stderr ?? 'useradd not found')}` };
}

/** A command line that runs `argv` as `user` (or as ourselves when null). */
function asUser(user, argv) {
  if (!user) return argv;
  const runuser = which('runuser', ['/usr/sbin', '/sbin']);
  if (runuser) return [runuser, '-u', user.name, '--', ...argv];
  return ['su', user.name, '-s', '/bin/sh', '-c', argv.map(shQuote).join(' ')];
}

/** The running cluster, or null. Read by the cleanup code. */
let cluster = null;

async function startPostgres() {
  const binDirs = findPgBinDirs();
  if (binDirs.length === 0) return { ok: false, reason: 'initdb/pg_ctl not found' };
  const bin = binDirs[0];

  const who = pickServerUser();
  if (!who.ok) return who;
  const { user } = who;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  cluster = { bin, user, dir, dataDir, started: false };
  if (user) fs.chownSync(dir, user.uid, user.gid);

  // cwd is the temp dir so the server user never needs access to ours.
  const exec = (argv) => {
    const [cmd, ...args] = asUser(user, argv);
    return run(cmd, args, { cwd: dir });
  };

  const init = await exec([
    path.join(bin, 'initdb'),
    '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync',
  ]);
  if (init.code !== 0) return { ok: false, reason: `initdb failed: ${lastLine(init.out)}` };

  // Settings go into postgresql.conf (later lines win) rather than through
  // `pg_ctl -o`, which would need shell quoting of the socket path.
  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 200,
  };
  fs.appendFileSync(
    path.join(dataDir, 'postgresql.conf'),
    '\n# throwaway test cluster\n' +
      Object.entries(settings)
        .map(([k, v]) => `${k} = '${String(v).replace(/'/g, "''")}'\n`)
        .join(''),
  );

  cluster.started = true; // from here on, cleanup must try to stop it
  const start = await exec([
    path.join(bin, 'pg_ctl'), 'start', '-D', dataDir, '-l', logFile, '-w', '-t', String(PG_START_TIMEOUT_S),
  ]);
  if (start.code !== 0) {
    let log = '';
    try {
      log = fs.readFileSync(logFile, 'utf8');
    } catch {
      /* no log written */
    }
    return { ok: false, reason: `server did not start: ${lastLine(log) || lastLine(start.out)}` };
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + PG_START_TIMEOUT_S * 1000;
  let lastError;
  while (Date.now() < deadline && !interrupted) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const { rows } = await client.query(`SELECT 1 AS ok, current_setting('server_version') AS version`);
      await client.end();
      return { ok: true, url, port, version: String(rows[0].version).split(' ')[0] };
    } catch (err) {
      lastError = err;
      await client.end().catch(() => {});
      await sleep(100);
    }
  }
  return { ok: false, reason: `no connection within ${PG_START_TIMEOUT_S} s: ${lastError?.message ?? 'interrupted'}` };
}

/** Synchronous, so it also works from signal and exit handlers. Idempotent. */
function stopPostgres() {
  const c = cluster;
  if (!c) return;
  cluster = null;
  if (c.started) {
    const [cmd, ...args] = asUser(c.user, [path.join(c.bin, 'pg_ctl'), 'stop', '-D', c.dataDir, '-m', 'immediate', '-w', '-t', '10']);
    const r = spawnSync(cmd, args, { cwd: c.dir, stdio: 'ignore' });
    if (r.status !== 0) {
      // pg_ctl could not stop it (e.g. interrupted during startup): signal the
      // postmaster we started directly, by the pid it recorded.
      try {
        const pid = Number(fs.readFileSync(path.join(c.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGQUIT');
      } catch {
        /* not running */
      }
    }
  }
  fs.rmSync(c.dir, { recursive: true, force: true });
}

// ------------------------------------------------------- signals and cleanup

const children = new Set();
let interrupted = null;

function onSignal(signal) {
  if (interrupted) {
    // Second signal: stop waiting for children.
    stopPostgres();
    process.exit(128 + os.constants.signals[signal]);
  }
  interrupted = signal;
  for (const child of children) child.kill(signal);
  // main() notices the children exiting and runs the normal cleanup path.
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', stopPostgres);

// ---------------------------------------------------------------------- main

async function lint() {
  if (process.env.HOTLINE_SKIP_LINT === '1') {
    console.log('Lint: skipped (HOTLINE_SKIP_LINT=1)');
    return true;
  }
  const r = await run(path.join(ROOT, 'node_modules/.bin/biome'), ['lint', '--colors=off'], { interruptible: true });
  if (r.code !== 0) {
    if (!interrupted) {
      process.stdout.write(r.out);
      console.log(`Lint failed (biome lint, exit code ${r.code}); tests not run.`);
    }
    return false;
  }
  console.log('Lint: passed (biome lint)');
  return true;
}

async function typeCheck() {
  if (process.env.HOTLINE_SKIP_TYPECHECK === '1') {
    console.log('Type check: skipped (HOTLINE_SKIP_TYPECHECK=1)');
    return true;
  }
  // The server and tests, then the console (its own tsconfig: DOM types and JSX).
  for (const project of ['.', 'web']) {
    const r = await run(path.join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', project], { interruptible: true });
    if (r.code !== 0) {
      if (!interrupted) {
        process.stdout.write(r.out);
        console.log(`Type check failed (tsc -p ${project}, exit code ${r.code}); tests not run.`);
      }
      return false;
    }
  }
  return true;
}

/** The newest modification time under a directory (0 when it does not exist). */
function newestMtime(dir) {
  let newest = 0;
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

/** Browser suites test the built console: rebuild it when a source is newer than the build. */
async function ensureConsoleBuilt() {
  const built = path.join(ROOT, 'web', 'dist', 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'web', 'src')), fs.statSync(path.join(ROOT, 'web', 'index.html')).mtimeMs);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return true;
  console.log('Console: building web/dist for the browser suites…');
  const r = await run(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, interruptible: true });
  if (r.code !== 0 && !interrupted) process.stdout.write(r.out);
  return r.code === 0;
}

async function main() {
  const filters = process.argv.slice(2);
  const files = findTestFiles(filters);
  if (files.length === 0) {
    console.log(filters.length ? `No test files match: ${filters.join(', ')}` : 'No test files found.');
    return 1;
  }

  // The type check and the cluster start are independent; overlap them.
  const [typesOk, db] = await Promise.all([
    lint().then((ok) => ok && typeCheck()),
    startPostgres().catch((err) => ({ ok: false, reason: err.message })),
  ]);
  if (interrupted) return 128 + os.constants.signals[interrupted];
  if (!typesOk) return 1;

  const env = { ...process.env };
  if (db.ok) {
    console.log(`PostgreSQL: ${db.version} on 127.0.0.1:${db.port} (throwaway cluster)`);
    env.HOTLINE_TEST_PG_URL = db.url;
  } else {
    console.log(`PostgreSQL: skipped (${db.reason}) — integration suites run on SQLite only`);
    delete env.HOTLINE_TEST_PG_URL;
    stopPostgres();
  }
  if (fs.existsSync(CHROMIUM)) {
    env.HOTLINE_TEST_CHROMIUM = CHROMIUM;
    if (!(await ensureConsoleBuilt())) {
      console.log('Console build failed; tests not run.');
      return 1;
    }
  } else {
    console.log('Chromium: not found — browser suites are skipped');
    delete env.HOTLINE_TEST_CHROMIUM;
  }

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  children.add(child);
  const code = await new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`Could not start the test runner: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (c, signal) => resolve(c ?? 128 + (os.constants.signals[signal] ?? 0)));
  });
  children.delete(child);
  if (interrupted) return 128 + os.constants.signals[interrupted];
  return code;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  console.error(err?.stack ?? err);
  exitCode = 1;
} finally {
  stopPostgres();
}
process.exit(exitCode);
