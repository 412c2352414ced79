// `hotline serve --workers N`: N server processes (node:cluster) sharing one port and one PostgreSQL
// database. The primary migrates once, then forks the workers and replaces any that dies; each
// worker is a whole server with its own pool and background jobs, which are safe to run side by side
// on PostgreSQL (outbox and webhook relays claim rows FOR UPDATE SKIP LOCKED with a lease, the change
// feed's sequencer and the audit chain take advisory locks, the provincial sync locks its cursor row,
// deadline alerts and scheduled reports are kept unique by their keys). SQLite has one writer, so it
// is refused there.
import cluster from 'node:cluster';
import { bootstrap, envOptions } from './bootstrap.ts';

export const WORKERS_ON_SQLITE = '--workers 大于 1 需要 PostgreSQL（HOTLINE_DATABASE_URL）：SQLite 只允许一个写入进程';

/** The number of processes asked for, or an error message. */
export function parseWorkers(raw: string | undefined): number | string {
  if (raw === undefined) return 1;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : `--workers 须为 1 到 64 的整数：${raw}`;
}

/** Whether this process is a worker forked by the primary (it then serves like a single process). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/**
 * The primary: migrates, forks `workers` processes and keeps them running until SIGINT/SIGTERM.
 * SIGHUP restarts them one at a time (a new release, new settings): each old worker is replaced only
 * once its successor listens, and drains before it exits (src/app/cli.ts), so no request fails.
 * `allowSqlite`: one worker on SQLite, under a primary only for the rolling restart (the old and the
 * new process overlap briefly, which SQLite allows: see ./sqlite-two-processes.test.ts).
 */
export async function runPrimary(workers: number, log: (line: string) => void, allowSqlite = false): Promise<void> {
  const options = envOptions();
  if (!options.databaseUrl && !(allowSqlite && workers === 1)) throw new Error(WORKERS_ON_SQLITE);
  // Migrate once here, so the workers start on an up-to-date schema and never race to migrate.
  const ctx = await bootstrap(options);
  await ctx.store.close();
  let stopping = false;
  const retiring = new Set<number>();
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping || retiring.delete(worker.id)) return;
    log(`服务进程 ${worker.process.pid} 退出（${signal ?? code}），重新启动`);
    setTimeout(fork, 1000).unref();
  });
  for (let i = 0; i < workers; i++) fork();
  let rolling: Promise<void> | null = null;
  const rollingRestart = async () => {
    for (const old of Object.values(cluster.workers ?? {})) {
      if (!old || stopping) continue;
      const next = fork();
      await new Promise<void>((ok, fail) => {
        next.once('listening', () => ok());
        next.once('exit', () => fail(new Error('新服务进程启动失败')));
      });
      retiring.add(old.id);
      const exited = new Promise((r) => old.once('exit', r));
      old.process.kill('SIGTERM');
      await exited;
      log(`服务进程 ${old.process.pid} 已由 ${next.process.pid} 替换`);
    }
  };
  process.on('SIGHUP', () => {
    if (rolling) return;
    rolling = rollingRestart()
      .catch((err: Error) => log(`滚动重启中止：${err.message}`))
      .finally(() => {
        rolling = null;
        log('滚动重启完成');
      });
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const waitAll = setInterval(() => {
      if (!Object.values(cluster.workers ?? {}).some((w) => w && !w.isDead())) {
        clearInterval(waitAll);
        process.exit(0);
      }
    }, 100);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log(`已启动 ${workers} 个服务进程（${options.databaseUrl ? 'PostgreSQL' : 'SQLite'}），主进程 ${process.pid}`);
}
