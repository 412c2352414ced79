// `hotline start` (what `npm start` runs: migrate, load the demo once, serve) and `hotline serve`.
import { parseArgs } from 'node:util';
import { bootstrap, envOptions } from '../bootstrap.ts';
import { buildApp } from '../app.ts';
import { loadDemo, DEMO_PASSWORD } from '../../demo/load.ts';
import { ROLE_LABELS } from '../../domain/roles.ts';
import type { AppContext } from '../../server/context.ts';
import { startJobs } from '../jobs.ts';
import { limitHeapGrowth } from '../heap-growth.ts';
import { isClusterWorker, parseWorkers, runPrimary, WORKERS_ON_SQLITE } from '../workers.ts';
import { usageError, type Command } from './command.ts';

async function serve(ctx: AppContext, announce: boolean): Promise<void> {
  const app = await buildApp(ctx, { logger: true });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen({ port, host });
  const stopJobs = startJobs(ctx, app.log);
  const url = `http://${host}:${port}`;
  if (announce) {
    const users = ctx.city.demoUsers.map((u) => `  ${u.username.padEnd(14)} ${ROLE_LABELS[u.role]}${u.unit ? `（${ctx.org.byCodeOrUndefined(u.unit)?.name ?? u.unit}）` : ''}`);
    process.stdout.write(
      `\n12345 热线平台已启动（${ctx.city.name}，${ctx.store.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}）\n` +
        `  控制台:   ${url}/\n  市民门户: ${url}/portal\n` +
        `  API:      ${url}/api/v1\n  API 文档: ${url}/api/docs\n  健康检查: ${url}/healthz\n\n` +
        `演示账号（密码均为 ${DEMO_PASSWORD}）:\n${users.join('\n')}\n\n`,
    );
  }
  // Graceful drain: stop accepting, finish what is in flight, answer requests on open connections
  // with Connection: close; idle keep-alive connections end at their timeout (clients, told it by the
  // Keep-Alive header, close them first) rather than being cut under a request about to be sent.
  const shutdown = async () => {
    app.server.closeIdleConnections = () => {};
    const force = setTimeout(() => app.server.closeAllConnections(), app.server.keepAliveTimeout + 5_000);
    force.unref();
    await app.close();
    await stopJobs();
    await ctx.store.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

export const startCommand: Command = {
  usage: `  start                      迁移数据库、首次运行时载入演示数据并启动服务（npm start）`,
  async run() {
    limitHeapGrowth();
    const say = (line: string) => process.stdout.write(`${line}\n`);
    say('正在准备数据库（迁移）…');
    const ctx = await bootstrap(envOptions());
    // The first start loads the demo for tens of seconds: each step is printed, so it is not taken for a hang.
    const started = Date.now();
    const loaded = await loadDemo(ctx, { onlyIfEmpty: true, onStep: (step) => say(`载入演示数据：${step}…`) });
    if (loaded) say(`已载入演示数据：${loaded.tickets} 张工单（${Math.round((Date.now() - started) / 1000)} 秒）`);
    say('正在启动服务…');
    await serve(ctx, true);
  },
};

export const serveCommand: Command = {
  usage: `  serve [--workers N] [--cluster]  启动服务（PORT，默认 3000；仅监听 127.0.0.1，HOST 可改；--workers 在 PostgreSQL 上启动 N 个进程；主进程收到 SIGHUP 时逐个替换服务进程）`,
  async run(args) {
    const { values } = parseArgs({ args, options: { workers: { type: 'string' }, cluster: { type: 'boolean' } } });
    const workers = parseWorkers(values.workers);
    if (typeof workers === 'string') throw usageError(workers);
    // --cluster: even one worker runs under a primary, which restarts workers one by one on SIGHUP.
    if ((workers > 1 || values.cluster) && !isClusterWorker()) {
      if (workers > 1 && !envOptions().databaseUrl) throw usageError(WORKERS_ON_SQLITE);
      await runPrimary(workers, (line) => process.stdout.write(`${line}\n`), true);
      return;
    }
    limitHeapGrowth();
    const ctx = await bootstrap(envOptions());
    await serve(ctx, false);
  },
};
