// A throwaway PostgreSQL cluster on 127.0.0.1 for the benchmarks, started the way scripts/run-tests.mjs
// starts the test cluster (Debian's server binaries, highest version first; as an unprivileged user
// when run as root) but with durable commits (fsync and synchronous_commit on), since its figures
// are meant to be read as a server's. stop() removes it; it is also removed when the process exits.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';

export interface ThrowawayPostgres {
  /** Admin URL (user postgres, database postgres). */
  url: string;
  version: string;
  settings: Record<string, string | number>;
  stop(): void;
}

/** Directories holding initdb, pg_ctl and postgres, highest version first. */
function serverBinDirs(): string[] {
  const dirs = new Set<string>();
  const add = (dir: string) => {
    try {
      const real = dirname(realpathSync(join(dir, 'initdb')));
      if (['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(real, b)))) dirs.add(real);
    } catch {
      /* no initdb there */
    }
  };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) add(dir);
  try {
    for (const v of readdirSync('/usr/lib/postgresql')) add(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    /* not a Debian-style install */
  }
  const version = (dir: string) => {
    const m = /(\d+)(?:\.(\d+))?/.exec(spawnSync(join(dir, 'pg_ctl'), ['--version'], { encoding: 'utf8' }).stdout ?? '');
    return m ? Number(m[1]) * 1000 + Number(m[2] ?? 0) : -1;
  };
  return [...dirs].map((dir) => ({ dir, v: version(dir) })).filter((d) => d.v >= 0).sort((a, b) => b.v - a.v).map((d) => d.dir);
}

function ids(name: string): { uid: number; gid: number } | null {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : null;
}

/** initdb and postgres refuse to run as root: root runs them as Debian's postgres user (or the test runner's). */
function serverUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'hotline-pg']) {
    const found = ids(name);
    if (found) return { name, ...found };
  }
  throw new Error('running as root and no postgres user to run the server as');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The cluster, or null when the server binaries are not installed. */
export async function startThrowawayPostgres(extra: Record<string, string | number> = {}): Promise<ThrowawayPostgres | null> {
  const bin = serverBinDirs()[0];
  if (!bin) return null;
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  const exec = (argv: string[]) => {
    const [cmd, ...args] = user ? ['runuser', '-u', user.name, '--', ...argv] : argv;
    return spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
  };
  const init = exec([join(bin, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: dir,
    max_connections: 200,
    shared_buffers: '2GB',
    maintenance_work_mem: '512MB',
    max_wal_size: '8GB',
    checkpoint_timeout: '15min',
    ...extra,
  };
  appendFileSync(join(dataDir, 'postgresql.conf'), `\n# benchmark cluster\n${Object.entries(settings).map(([k, v]) => `${k} = '${String(v).replace(/'/g, "''")}'\n`).join('')}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    exec([join(bin, 'pg_ctl'), 'stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '20']);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  const started = exec([join(bin, 'pg_ctl'), 'start', '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60']);
  if (started.status !== 0) {
    stop();
    throw new Error(`PostgreSQL did not start: ${started.stderr || started.stdout}`);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(`select current_setting('server_version') as v`);
  await client.end();
  return { url, version: String(rows[0].v).split(' ')[0], settings: { shared_buffers: settings.shared_buffers, fsync: settings.fsync ?? 'on', synchronous_commit: settings.synchronous_commit ?? 'on' }, stop };
}
