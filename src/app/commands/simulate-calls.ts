// `hotline simulate-calls`: simulate a switch under a given load, drive the platform's CTI API with
// its events, and print the platform's service-level figures for the simulated period beside the
// simulator's own count and the Erlang-C prediction. Without --url it runs against an app in this
// process on a temporary SQLite database (migrated, with its own switch key and reader), so it works
// on a fresh clone and leaves nothing behind.
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Problem } from '../../server/problem.ts';
import { bootstrap } from '../bootstrap.ts';
import { buildApp } from '../app.ts';
import { createApiKey } from '../../auth/api-keys.ts';
import { createUser } from '../../org/users.ts';
import { simulateCalls, validateSimulation, type SimulationOptions } from '../../calls/simulator.ts';
import { httpClient, injectClient, loginOverHttp, platformFigures, replayEvents, simulationReport, type PlatformClient, type SimulationReport } from '../../calls/simulation-driver.ts';
import type { ServiceLevelFigures } from '../../domain/call-contract.ts';

export const SIMULATE_USAGE = `  simulate-calls --calls-per-hour R --agents N --handle-seconds S --hours H --seed K
                 [--patience-seconds P] [--realistic] [--start 时刻] [--batch N]
                 [--url URL --key 密钥 [--user U --password P]] [--json]
                             话务模拟：泊松来话、指数处理时长，经 CTI 接口送入平台，输出平台统计的服务水平
                             （15 秒接通率、放弃率等）与模拟器自身计数、Erlang C 预测的对照；
                             不给 --url 时在临时 SQLite 数据库上运行`;

const usage = (message: string): never => {
  throw new Problem(400, 'usage', `${message}\n用法:\n${SIMULATE_USAGE}`);
};

function numberOption(values: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const raw = values[name];
  if (raw === undefined) return required ? usage(`须给出 --${name}`) : undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) usage(`--${name} 须为数字：${String(raw)}`);
  return n;
}

export function parseSimulateArgs(args: string[]): { options: SimulationOptions; url?: string; key?: string; user?: string; password?: string; json: boolean; batch: number } {
  const { values } = parseArgs({
    args,
    options: {
      'calls-per-hour': { type: 'string' },
      agents: { type: 'string' },
      'handle-seconds': { type: 'string' },
      hours: { type: 'string' },
      seed: { type: 'string' },
      'patience-seconds': { type: 'string' },
      realistic: { type: 'boolean' },
      start: { type: 'string' },
      batch: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const options: SimulationOptions = {
    callsPerHour: numberOption(values, 'calls-per-hour', true)!,
    agents: numberOption(values, 'agents', true)!,
    handleSeconds: numberOption(values, 'handle-seconds', true)!,
    hours: numberOption(values, 'hours', false) ?? 1,
    seed: numberOption(values, 'seed', false) ?? 1,
    patienceSeconds: numberOption(values, 'patience-seconds', false),
    realistic: !!values.realistic,
    start: values.start,
  };
  const problem = validateSimulation(options);
  if (problem) usage(problem);
  if (options.start && Date.parse(options.start) % 1_800_000 !== 0) usage('--start 须在整点或半点（统计按 30 分钟时段汇总）');
  if (values.url && !values.key) usage('给出 --url 时须同时给出 --key（权限范围 cti:events 的 API 密钥）');
  if (!!values.user !== !!values.password) usage('--user 与 --password 须同时给出');
  const batch = numberOption(values, 'batch', false) ?? 500;
  if (!Number.isInteger(batch) || batch < 1 || batch > 1000) usage('--batch 须为 1–1000 的整数');
  return { options, url: values.url, key: values.key, user: values.user, password: values.password, json: !!values.json, batch };
}

/** Runs one simulation against `client` and returns the report (platform figures null when they could not be read). */
export async function runSimulation(client: PlatformClient, options: SimulationOptions, batch = 500, readFigures = true): Promise<SimulationReport> {
  const sim = simulateCalls(options);
  const replay = await replayEvents(client, sim.events, batch);
  const platform: ServiceLevelFigures | null = readFigures ? await platformFigures(client, sim.period) : null;
  return simulationReport(options, sim, platform, replay);
}

/** The in-process platform: a fresh SQLite file, a switch key of scope cti:events, a centre login to read the figures. */
async function runInProcess(options: SimulationOptions, batch: number): Promise<SimulationReport> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-simulate-'));
  const ctx = await bootstrap({ sqliteFile: join(dir, 'hotline.sqlite'), dataDir: dir });
  const app = await buildApp(ctx);
  try {
    const { key } = await createApiKey(ctx, null, { name: 'simulated switch', scopes: ['cti:events'], ratePerMinute: 100_000 });
    const password = `Sim-${randomBytes(12).toString('hex')}`; // holds the password policy whatever the bytes
    await createUser(ctx, null, { username: 'simulation.reader', password, role: 'centre' });
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'simulation.reader', password } });
    if (login.statusCode !== 200) throw new Error(`login: ${login.statusCode} ${login.body}`);
    const client = injectClient(app, key, (JSON.parse(login.body) as { token: string }).token);
    return await runSimulation(client, options, batch);
  } finally {
    await app.close();
    await ctx.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const sec = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} s`);

export function formatReport(r: SimulationReport): string {
  const l = r.load;
  const head = `话务模拟：每小时 ${l.callsPerHour} 通、${l.agents} 个坐席、平均处理 ${l.handleSeconds} 秒（${l.trafficErlangs.toFixed(1)} Erlang）、${l.hours} 小时、种子 ${l.seed}` +
    `${l.patienceSeconds ? `、平均耐心 ${l.patienceSeconds} 秒` : ''}${l.realistic ? '、真实分布' : ''}\n统计时段 ${r.period.from} – ${r.period.to}\n` +
    `CTI 事件 ${r.replay.events} 条（新接收 ${r.replay.accepted}，重复 ${r.replay.duplicates}），${r.replay.batches} 批，${r.replay.seconds.toFixed(1)} 秒（${r.replay.eventsPerSecond} 条/秒）\n\n`;
  const p = r.source === 'platform' ? r : null;
  const rows: Array<[string, (f: ServiceLevelFigures) => string, string]> = [
    ['呼入量 offered', (f) => String(f.offered), '—'],
    ['接通量 answered', (f) => String(f.answered), '—'],
    ['15 秒内接通 within 15 s', (f) => String(f.answeredWithin15s), '—'],
    ['放弃 abandoned (短时放弃另计)', (f) => `${f.abandoned} (${f.shortAbandoned})`, '—'],
    ['15 秒服务水平 serviceLevel15s', (f) => pct(f.serviceLevel15s), pct(r.erlangC.serviceLevel15s)],
    ['放弃率 abandonRate', (f) => pct(f.abandonRate), '—'],
    ['接通率 connectRate', (f) => pct(f.connectRate), '—'],
    ['平均应答速度 ASA', (f) => sec(f.asaSeconds), sec(r.erlangC.asaSeconds)],
    ['平均处理时长 AHT', (f) => sec(f.ahtSeconds), sec(l.handleSeconds)],
    ['坐席占用率 occupancy', (f) => pct(f.occupancy), pct(r.erlangC.occupancy)],
  ];
  const lines = [`${'指标'.padEnd(30)}\t平台 /call-stats\t模拟器自计\tErlang C`];
  for (const [label, show, predicted] of rows) lines.push(`${label.padEnd(30)}\t${p ? show(p) : '（未读取）'}\t${show(r.simulator)}\t${predicted}`);
  return `${head}${lines.join('\n')}\n`;
}

export async function simulateCommand(args: string[]): Promise<void> {
  const parsed = parseSimulateArgs(args);
  let report: SimulationReport;
  if (parsed.url) {
    const token = parsed.user ? await loginOverHttp(parsed.url, parsed.user, parsed.password!) : null;
    if (!token && !parsed.json) process.stderr.write('未给出 --user/--password：只发送事件，不读取平台统计，下表平台一栏为空\n');
    report = await runSimulation(httpClient(parsed.url, parsed.key!, token), parsed.options, parsed.batch, !!token);
  } else {
    report = await runInProcess(parsed.options, parsed.batch);
  }
  process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
}
