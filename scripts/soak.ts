// `npm run soak [-- --json]`: a long run of steady mixed traffic against one server process on
// 127.0.0.1, to see whether memory stays flat and latency stays put. Not part of `npm test`.
//
// The server is `hotline start` on a fresh SQLite store in a temporary directory (migrated, the
// demo loaded: units, users, knowledge base, a few hundred tickets), or on PostgreSQL when
// SOAK_DATABASE_URL names an empty database. Traffic is open-loop at a fixed rate (SOAK_RATE
// requests per second, default 10) for SOAK_MINUTES (default 30), with at most 64 requests in
// flight (a request that would exceed it is counted as skipped, not queued) and a 10 s timeout each:
//   10 % ticket creations (受理 and 派单), 20 % handling steps on those tickets in turn (签收, 办理反馈,
//   审核, 回访, 归档), 20 % ticket lists, 20 % ticket details, 10 % knowledge-base searches,
//   10 % the supervision board, 10 % the day's report.
// The server's resident memory (VmRSS) is sampled every 10 s; latencies are kept per minute.
//
// Verdict (meant for runs of 12 minutes or more; shorter runs use halves of the run instead):
//   memory flat   the mean RSS of the last 5 minutes is within 15 % or 30 MB (whichever is larger)
//                 of the mean RSS of minutes 2–6 (minute 1 is warm-up: code loading, caches filling);
//   latency flat  the p99 of every minute is at most twice the p99 of the first minute;
//   no errors     no 5xx and no request without an answer.
// Exit code 0 when all three hold, 1 otherwise.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { waitForServer } from './bench-server.ts';

const json = process.argv.includes('--json');
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const RATE = Number(process.env.SOAK_RATE ?? 10);
const MAX_IN_FLIGHT = 64;
const TIMEOUT_MS = 10_000;
const SAMPLE_MS = 10_000;
const PASSWORD = 'demo12345';
if (!(MINUTES > 0) || !(RATE > 0)) {
  process.stderr.write('SOAK_MINUTES 和 SOAK_RATE 须为正数\n');
  process.exit(2);
}
const log = (line: string) => !json && process.stderr.write(`${line}\n`);

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

function rssMb(pid: number): number | null {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

// ------------------------------------------------------------------ server

const dataDir = mkdtempSync(join(tmpdir(), 'hotline-soak-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [resolve(import.meta.dirname, '..', 'bin', 'hotline.js'), 'start'], {
  env: { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: process.env.SOAK_DATABASE_URL ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const cleanup = () => {
  if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
};
process.once('exit', cleanup);
log(`soak: server on ${base} (${process.env.SOAK_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}), loading the demo…`);
await waitForServer(`${base}/healthz`, server, 600);

async function call(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

async function login(username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
const tokens = { agent: await login('agent1'), centre: await login('centre1'), unit: await login('zjj.staff') };

// ------------------------------------------------------------------ traffic

/** Tickets of this run not being acted on, with their state; one taken out while its step runs. */
const idle: Array<{ no: string; status: string }> = [];
/** Ticket numbers to read (the demo's first page, then every one created here). */
const known: string[] = ((await call('GET', '/api/v1/tickets?pageSize=100', tokens.centre)).body?.items ?? []).map((t: { no: string }) => t.no);
const NEXT: Record<string, { by: keyof typeof tokens; action: string; body: unknown }> = {
  dispatched: { by: 'unit', action: 'sign', body: {} },
  in_progress: { by: 'unit', action: 'reply', body: { content: '已联系物业公司，问题已于当日处理完毕，并约定定期检查。' } },
  replied: { by: 'centre', action: 'review', body: { pass: true } },
  callback: { by: 'centre', action: 'callback', body: { reached: true, satisfaction: 'satisfied' } },
  closed: { by: 'centre', action: 'archive', body: {} },
};
const SEARCHES = ['供暖', '物业费', '公积金提取', '医保报销', '噪音扰民', '路灯', '营业执照', '社保卡', '停水', '垃圾清运'];
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
let created = 0;

type Kind = 'create' | 'action' | 'list' | 'detail' | 'kb' | 'board' | 'report';
const MIX: Array<[Kind, number]> = [
  ['create', 10],
  ['action', 20],
  ['list', 20],
  ['detail', 20],
  ['kb', 10],
  ['board', 10],
  ['report', 10],
];
const pick = (n: number): Kind => {
  let x = n % 100;
  for (const [kind, share] of MIX) {
    if (x < share) return kind;
    x -= share;
  }
  return 'list';
};

async function request(kind: Kind, n: number): Promise<{ status: number }> {
  switch (kind) {
    case 'create': {
      const i = created++;
      const res = await call('POST', '/api/v1/tickets', tokens.agent, {
        channel: 'phone',
        type: 'complaint',
        categoryCode: 'ZFWY-WY',
        requester: { kind: 'person', name: '测试', phone: `138${String(i).padStart(8, '0')}` },
        facts: `持续运行诉求 ${i}：小区${i % 50}号楼楼道照明损坏，晚上出行不便，请尽快维修`,
        address: `东安区新安街道光华小区${i}号楼`,
        disposition: 'dispatch',
      });
      if (res.status === 201) {
        idle.push({ no: res.body.no, status: res.body.status });
        known.push(res.body.no);
      }
      return res;
    }
    case 'action': {
      const ticket = idle.shift();
      if (!ticket) return request('detail', n);
      const step = NEXT[ticket.status];
      const res = await call('POST', `/api/v1/tickets/${ticket.no}/actions/${step.action}`, tokens[step.by], step.body);
      const status = res.status === 200 ? res.body.status : ticket.status;
      if (NEXT[status]) idle.push({ no: ticket.no, status });
      return res;
    }
    case 'list':
      return call('GET', `/api/v1/tickets?pageSize=20&page=${1 + (n % 5)}`, tokens.centre);
    case 'detail':
      return call('GET', `/api/v1/tickets/${known[n % known.length]}`, tokens.centre);
    case 'kb':
      return call('GET', `/api/v1/kb/search?q=${encodeURIComponent(SEARCHES[n % SEARCHES.length])}`, tokens.agent);
    case 'board':
      return call('GET', '/api/v1/supervision/board', tokens.centre);
    case 'report':
      return call('GET', `/api/v1/reports/daily?date=${today}`, tokens.centre);
  }
}

interface Minute {
  minute: number;
  requests: number;
  errors5xx: number;
  other4xx: number;
  unanswered: number;
  skipped: number;
  latencies: number[];
}
const minutes: Minute[] = Array.from({ length: Math.ceil(MINUTES) }, (_, i) => ({ minute: i + 1, requests: 0, errors5xx: 0, other4xx: 0, unanswered: 0, skipped: 0, latencies: [] }));
const samples: Array<{ atS: number; rssMb: number }> = [];
/** Latencies per kind of request over the whole run, and the first few reasons of requests without an answer. */
const byKind = new Map<Kind, number[]>();
const lostReasons = new Map<string, number>();
const durationMs = MINUTES * 60_000;
const started = Date.now();
const minuteOf = (t: number) => minutes[Math.min(minutes.length - 1, Math.floor((t - started) / 60_000))];
let sent = 0;
let inFlight = 0;
let stopping = false;
process.once('SIGINT', () => (stopping = true));

const sample = () => {
  const mb = rssMb(server.pid!);
  if (mb !== null) samples.push({ atS: Math.round((Date.now() - started) / 1000), rssMb: Math.round(mb * 10) / 10 });
};
sample();
const sampler = setInterval(sample, SAMPLE_MS);
let lastLogged = 0;

await new Promise<void>((done) => {
  const tick = setInterval(() => {
    const elapsed = Date.now() - started;
    if (elapsed >= durationMs || stopping || server.exitCode !== null) {
      clearInterval(tick);
      done();
      return;
    }
    // Open loop: as many requests as the elapsed time asks for, whatever the answers are doing.
    const due = Math.floor((elapsed / 1000) * RATE) - sent;
    for (let i = 0; i < due; i++) {
      const n = sent++;
      const bucket = minuteOf(Date.now());
      if (inFlight >= MAX_IN_FLIGHT) {
        bucket.skipped++;
        continue;
      }
      inFlight++;
      const t0 = performance.now();
      const kind = pick(n * 37);
      void request(kind, n)
        .then(
          (res) => {
            const ms = performance.now() - t0;
            bucket.requests++;
            bucket.latencies.push(ms);
            if (!byKind.has(kind)) byKind.set(kind, []);
            byKind.get(kind)!.push(ms);
            if (res.status >= 500) bucket.errors5xx++;
            else if (res.status >= 400) bucket.other4xx++;
          },
          (err: Error) => {
            bucket.requests++;
            bucket.unanswered++;
            const reason = String(err?.cause ?? err?.message ?? err).slice(0, 120);
            lostReasons.set(reason, (lostReasons.get(reason) ?? 0) + 1);
          },
        )
        .finally(() => inFlight--);
    }
    const minute = Math.floor(elapsed / 60_000);
    if (minute > lastLogged) {
      lastLogged = minute;
      const m = minutes[minute - 1];
      const sorted = [...m.latencies].sort((a, b) => a - b);
      log(`soak: minute ${minute}/${MINUTES}: ${m.requests} requests, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, RSS ${samples.at(-1)?.rssMb ?? '?'} MB`);
    }
  }, 50);
});
clearInterval(sampler);
// Let the last requests finish (bounded by their timeout).
for (let i = 0; i < TIMEOUT_MS / 100 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
sample();
server.kill('SIGTERM');

// ------------------------------------------------------------------ verdict

const ranMinutes = minutes.filter((m) => m.requests + m.skipped > 0);
const table = ranMinutes.map((m) => {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const rss = samples.filter((s) => s.atS >= (m.minute - 1) * 60 && s.atS < m.minute * 60).map((s) => s.rssMb);
  return {
    minute: m.minute,
    requests: m.requests,
    errors5xx: m.errors5xx,
    other4xx: m.other4xx,
    unanswered: m.unanswered,
    skipped: m.skipped,
    p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
    p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
    rssMb: Math.round(mean(rss) * 10) / 10,
  };
});
const n = table.length;
const long = n >= 12;
const baseWindow: [number, number] = long ? [2, 6] : [1, Math.max(1, Math.floor(n / 2))];
const endWindow: [number, number] = long ? [n - 4, n] : [Math.min(n, Math.floor(n / 2) + 1), n];
const rssIn = ([from, to]: [number, number]) => mean(samples.filter((s) => s.atS >= (from - 1) * 60 && s.atS < to * 60).map((s) => s.rssMb));
const rssBase = rssIn(baseWindow);
const rssEnd = rssIn(endWindow);
const allowance = Math.max(rssBase * 0.15, 30);
const memoryFlat = rssEnd - rssBase <= allowance;
const firstP99 = table[0]?.p99Ms ?? 0;
const worst = table.reduce((w, m) => (m.p99Ms > w.p99Ms ? m : w), table[0] ?? { minute: 0, p99Ms: 0 });
const latencyFlat = table.every((m) => m.p99Ms <= 2 * firstP99);
const errors = table.reduce((a, m) => a + m.errors5xx + m.unanswered, 0);
const verdict = {
  memoryFlat,
  rssBaselineMb: Math.round(rssBase * 10) / 10,
  rssBaselineMinutes: baseWindow,
  rssEndMb: Math.round(rssEnd * 10) / 10,
  rssEndMinutes: endWindow,
  rssAllowanceMb: Math.round(allowance * 10) / 10,
  latencyFlat,
  firstMinuteP99Ms: firstP99,
  worstMinute: { minute: worst.minute, p99Ms: worst.p99Ms },
  errors,
  pass: memoryFlat && latencyFlat && errors === 0,
};
const machine = { cpus: `${cpus().length} × ${cpus()[0]?.model.trim()}`, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) };
const kinds = Object.fromEntries(
  [...byKind].map(([kind, ms]) => {
    const sorted = ms.sort((a, b) => a - b);
    return [kind, { requests: sorted.length, p50Ms: Math.round(percentile(sorted, 50) * 10) / 10, p99Ms: Math.round(percentile(sorted, 99) * 10) / 10 }];
  }),
);
const report = { minutes: MINUTES, ratePerSecond: RATE, kinds, lostReasons: Object.fromEntries(lostReasons), engine: process.env.SOAK_DATABASE_URL ? 'postgres' : 'sqlite', machine, table, rssSamples: samples, ticketsCreated: created, verdict };

if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const pad = (v: unknown, w: number) => String(v).padStart(w);
  process.stdout.write(`\nsoak: ${MINUTES} min at ${RATE} req/s (${report.engine}), ${created} tickets created; ${machine.cpus}, load average at end ${machine.loadAverage.join(' ')}\n\n`);
  process.stdout.write(`${pad('min', 4)} ${pad('requests', 9)} ${pad('5xx', 5)} ${pad('4xx', 5)} ${pad('lost', 5)} ${pad('skipped', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('RSS MB', 8)}\n`);
  for (const m of table) process.stdout.write(`${pad(m.minute, 4)} ${pad(m.requests, 9)} ${pad(m.errors5xx, 5)} ${pad(m.other4xx, 5)} ${pad(m.unanswered, 5)} ${pad(m.skipped, 8)} ${pad(m.p50Ms, 8)} ${pad(m.p99Ms, 8)} ${pad(m.rssMb, 8)}\n`);
  process.stdout.write(`\nby kind: ${Object.entries(kinds).map(([k, v]) => `${k} ${v.requests} (p50 ${v.p50Ms}, p99 ${v.p99Ms} ms)`).join('; ')}\n`);
  if (lostReasons.size) process.stdout.write(`no answer: ${[...lostReasons].map(([r, c]) => `${c} × ${r}`).join('; ')}\n`);
  process.stdout.write(
    `\nmemory: minutes ${baseWindow.join('–')} mean ${verdict.rssBaselineMb} MB, minutes ${endWindow.join('–')} mean ${verdict.rssEndMb} MB ` +
      `(allowed +${verdict.rssAllowanceMb} MB): ${memoryFlat ? 'flat' : 'GROWING'}\n` +
      `latency: first minute p99 ${firstP99} ms, worst minute ${worst.minute} p99 ${worst.p99Ms} ms (allowed ${Math.round(2 * firstP99 * 10) / 10}): ${latencyFlat ? 'flat' : 'DEGRADED'}\n` +
      `errors (5xx or no answer): ${errors}\n` +
      `verdict: ${verdict.pass ? 'PASS' : 'FAIL'}\n`,
  );
}
process.exitCode = verdict.pass ? 0 : 1;
