// The `hotline` command. `start` is what `npm start` runs: migrate, load the demo once, serve.
import { parseArgs } from 'node:util';
import { bootstrap, envOptions } from './bootstrap.ts';
import { buildApp } from './app.ts';
import { computeDeadline, formatShanghai, parseInstant } from '../domain/deadline.ts';
import { createUser } from '../org/users.ts';
import { loadDemo, DEMO_PASSWORD } from '../demo/load.ts';
import { ROLE_LABELS } from '../domain/roles.ts';
import type { AppContext } from '../server/context.ts';
import { Problem } from '../server/problem.ts';
import { kbCommand, KB_USAGE } from './commands/kb.ts';
import { reportCommand, REPORT_USAGE } from './commands/report.ts';
import { evaluateCommand, EVALUATE_USAGE } from './commands/evaluate.ts';
import { apikeyCommand, APIKEY_USAGE } from './commands/apikey.ts';
import { simulateCommand, SIMULATE_USAGE } from './commands/simulate-calls.ts';
import { auditCommand, backupCommand, restoreCommand, AUDIT_USAGE } from './commands/audit.ts';
import { FieldCryptoError } from '../store/field-crypto.ts';
import { generateCommand, GENERATE_USAGE } from './commands/generate.ts';
import { keysCommand, KEYS_USAGE } from './commands/keys.ts';
import { startJobs } from './jobs.ts';
import { CityConfigError } from '../config/cities/index.ts';
import { BackupError } from '../store/backup.ts';
import { limitHeapGrowth } from './heap-growth.ts';
import { isClusterWorker, parseWorkers, runPrimary, WORKERS_ON_SQLITE } from './workers.ts';

// The commands of this file, one entry each, so that `hotline <命令> --help` shows its own lines.
const CORE: Record<string, string> = {
  start: `  start                      迁移数据库、首次运行时载入演示数据并启动服务（npm start）`,
  serve: `  serve [--workers N] [--cluster]  启动服务（PORT，默认 3000；仅监听 127.0.0.1，HOST 可改；--workers 在 PostgreSQL 上启动 N 个进程；主进程收到 SIGHUP 时逐个替换服务进程）`,
  migrate: `  migrate                    执行数据库迁移`,
  demo: `  demo [--force]             载入演示数据（单位、分类、各角色用户、数百张各状态工单；已有工单时 --force 追加一批）`,
  deadline: `  deadline --from <时刻> (--working-days N | --hours N | --days N)
                             计算期限，输出 YYYY-MM-DDTHH:mm:ss+08:00`,
  user: `  user create --username U --password P --role R [--unit CODE] [--name 姓名]`,
};
const CORE_USAGE = Object.values(CORE).join('\n');

const USAGE = `用法: hotline <命令> [选项]

${CORE_USAGE}
${KB_USAGE}
${REPORT_USAGE}
${EVALUATE_USAGE}
${APIKEY_USAGE}
${SIMULATE_USAGE}
${AUDIT_USAGE}
${GENERATE_USAGE}
${KEYS_USAGE}

环境变量: PORT, HOST, HOTLINE_DATA_DIR（SQLite 文件目录，默认 ./data）, HOTLINE_DATABASE_URL（postgres://…）, HOTLINE_CITY（城市配置，默认 mudanjiang）
退出码: 0 成功；2 用法错误或操作被拒绝（原因写在标准错误输出）；1 运行中的意外错误`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function withContext<T>(work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await bootstrap(envOptions());
  try {
    return await work(ctx);
  } finally {
    await ctx.store.close();
  }
}

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

/** Each command's own usage, for `hotline <命令> --help`; the others get the whole list. */
const COMMAND_USAGE: Record<string, string> = {
  ...CORE,
  kb: KB_USAGE,
  report: REPORT_USAGE,
  evaluate: EVALUATE_USAGE,
  apikey: APIKEY_USAGE,
  'simulate-calls': SIMULATE_USAGE,
  audit: AUDIT_USAGE,
  backup: AUDIT_USAGE,
  restore: AUDIT_USAGE,
  generate: GENERATE_USAGE,
  keys: KEYS_USAGE,
};

export async function main(argv: string[]): Promise<void> {
  // --help (or -h) anywhere: the usage on standard output and exit 0, before any option is parsed.
  if (argv.some((a) => a === '--help' || a === '-h')) {
    const usage = argv[0] && COMMAND_USAGE[argv[0]];
    process.stdout.write(usage ? `用法: hotline\n${usage}\n` : `${USAGE}\n`);
    process.exit(0);
  }
  try {
    await run(argv);
  } catch (err) {
    // A refusal with its Chinese reason is the user's to read, not a crash.
    if (err instanceof Problem) fail(err.title);
    // Keys that do not fit the store (or a malformed key setting): one sentence, no stack trace.
    if (err instanceof FieldCryptoError) fail(err.message);
    // HOTLINE_CITY naming no configured city.
    if (err instanceof CityConfigError || err instanceof BackupError) fail(err.message);
    // A mistyped option (node:util parseArgs): a usage error, exit 2, no stack trace.
    const code = (err as { code?: string } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const usage = (argv[0] && COMMAND_USAGE[argv[0]]) || USAGE;
      fail(`参数错误：${parseArgsMessage(err as Error)}\n用法:\n${usage}`);
    }
    throw err;
  }
}

/** parseArgs' English message in Chinese, naming the option. */
function parseArgsMessage(err: Error & { code?: string }): string {
  const option = /'([^']+)'/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `不认识的选项 ${option ?? ''}`.trim();
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `选项 ${option ?? ''} 的取值不正确（缺少取值，或不应带取值）`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `多余的参数 ${option ?? ''}`.trim();
  return err.message;
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
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
      return;
    }
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { workers: { type: 'string' }, cluster: { type: 'boolean' } } });
      const workers = parseWorkers(values.workers);
      if (typeof workers === 'string') fail(workers);
      // --cluster: even one worker runs under a primary, which restarts workers one by one on SIGHUP.
      if ((workers > 1 || values.cluster) && !isClusterWorker()) {
        if (workers > 1 && !envOptions().databaseUrl) fail(WORKERS_ON_SQLITE);
        await runPrimary(workers, (line) => process.stdout.write(`${line}\n`), true);
        return;
      }
      limitHeapGrowth();
      const ctx = await bootstrap(envOptions());
      await serve(ctx, false);
      return;
    }
    case 'migrate': {
      await withContext(async (ctx) => process.stdout.write(`数据库已是最新结构（${ctx.store.engine}）\n`));
      return;
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { force: { type: 'boolean' } } });
      await withContext(async (ctx) => {
        const loaded = await loadDemo(ctx, { onlyIfEmpty: !values.force });
        process.stdout.write(loaded ? `已载入演示数据：${loaded.tickets} 张工单，${loaded.users} 个用户\n` : '已有工单数据，未重复载入（--force 可追加）\n');
      });
      return;
    }
    case 'deadline': {
      const { values } = parseArgs({ args: rest, options: { from: { type: 'string' }, 'working-days': { type: 'string' }, hours: { type: 'string' }, days: { type: 'string' } } });
      const from = values.from ? parseInstant(values.from) : null;
      if (!from) fail('--from 须为带时区的时刻，如 2026-09-30T16:00:00+08:00');
      const [unit, raw] = values['working-days'] ? (['working_days', values['working-days']] as const) : values.hours ? (['hours', values.hours] as const) : values.days ? (['days', values.days] as const) : fail('须给出 --working-days、--hours 或 --days');
      const amount = Number(raw);
      if (!Number.isFinite(amount) || amount <= 0 || (unit !== 'hours' && !Number.isInteger(amount))) fail(`时限须为正数${unit === 'hours' ? '' : '（整数）'}：${raw}`);
      await withContext(async (ctx) => {
        const d = computeDeadline(from, { unit, amount }, ctx.calendar.current());
        process.stdout.write(`${formatShanghai(d.dueAt)}\n`);
        if (d.provisional) process.stderr.write('注意：期限涉及尚未导入节假日安排的年份，为暂定期限\n');
      });
      return;
    }
    case 'user': {
      const [sub, ...args] = rest;
      if (sub !== 'create') fail(USAGE);
      const { values } = parseArgs({ args, options: { username: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' }, name: { type: 'string' } } });
      if (!values.username || !values.password || !values.role) fail('须给出 --username、--password 和 --role');
      await withContext(async (ctx) => {
        const user = await createUser(ctx, null, { username: values.username!, password: values.password!, role: values.role as never, unitCode: values.unit, displayName: values.name });
        process.stdout.write(`已创建用户 ${user.username}（id ${user.id}）\n`);
      });
      return;
    }
    case 'kb':
      await kbCommand(rest, withContext);
      return;
    case 'report':
      await reportCommand(rest, withContext);
      return;
    case 'evaluate':
      await evaluateCommand(rest, withContext);
      return;
    case 'apikey':
      await apikeyCommand(rest, withContext);
      return;
    case 'simulate-calls':
      await simulateCommand(rest);
      return;
    case 'audit':
      await auditCommand(rest);
      return;
    case 'backup':
      await backupCommand(rest);
      return;
    case 'restore':
      await restoreCommand(rest);
      return;
    case 'generate':
      await generateCommand(rest);
      return;
    case 'keys':
      await keysCommand(rest);
      return;
    default:
      process.stdout.write(`${USAGE}\n`);
      if (command && command !== 'help' && command !== '--help') process.exit(2);
  }
}
