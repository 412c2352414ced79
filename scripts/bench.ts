// `npm run bench`: every figure of the product in one table, each beside the bare engine doing the
// same work in the same run where that makes sense (the ratio shows how close the product runs to
// its storage engine), with the machine's details. Figures, not a test.
//
//   npm run bench                    Markdown table
//   npm run bench -- --json          one JSON object
//   npm run bench -- --only=P[,P]    parts: tickets, pg, kb, board, cti, evaluation
//
// Sizes: the full run creates tickets for BENCH_SECONDS (15) s, searches 100,000 KB passages, times
// the board over 200,000 open duties and the evaluation over 1,000,000 tickets on SQLite and
// 10,000,000 on PostgreSQL (BENCH_EVAL_SQLITE_TICKETS / BENCH_EVAL_PG_TICKETS); BENCH_QUICK=1 makes
// everything small. PostgreSQL: the server HOTLINE_BENCH_PG_URL names (an admin URL; the bench
// creates and drops its own databases there), else a throwaway cluster on 127.0.0.1 when the server
// binaries are installed (scripts/throwaway-postgres.ts), else the PostgreSQL rows are skipped.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import autocannon from 'autocannon';
import { openStore } from '../src/store/db.ts';
import { migrate } from '../src/store/migrations.ts';
import { bootstrap } from '../src/app/bootstrap.ts';
import { SYSTEM_ACTOR } from '../src/domain/actor.ts';
import { importSeedBulletins, SEED_BULLETIN_DIR } from '../src/knowledge/import.ts';
import { searchKb } from '../src/knowledge/search.ts';
import { refreshStatistics } from '../src/knowledge/kb-store.ts';
import { padCorpus } from './kb-corpus.ts';
import { evaluationBench, type EvaluationFigures } from './bench-evaluation.ts';
import { scratchDatabase } from './bench-database.ts';
import { benchBoard, type BoardBenchResult } from './bench-board.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.ts';
import { waitForServer } from './bench-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const json = process.argv.includes('--json');
const quick = process.env.BENCH_QUICK === '1';
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 5 : 15));
const KB_PASSAGES = Number(process.env.BENCH_KB_PASSAGES ?? (quick ? 5_000 : 100_000));
const BOARD_DUTIES = Number(process.env.BENCH_BOARD_DUTIES ?? (quick ? 20_000 : 200_000));
const EVAL_SQLITE = Number(process.env.BENCH_EVAL_SQLITE_TICKETS ?? (quick ? 20_000 : 1_000_000));
const EVAL_PG = Number(process.env.BENCH_EVAL_PG_TICKETS ?? (quick ? 20_000 : 10_000_000));
// Progress goes to stderr in both modes: with --json, stdout carries the JSON object alone.
const log = (line: string) => process.stderr.write(`${line}\n`);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? (process.argv.includes('--kb-only') ? ['kb'] : null);
const runs = (part: string) => !only || only.includes(part);

// ------------------------------------------------------------------ helpers

/** Resident memory of a process and its children (a cluster's primary and workers), MB. */
function treeRssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(child));
      }
    } catch {
      /* gone */
    }
  };
  visit(pid);
  return Math.round(kb / 1024);
}

/** The largest resident memory of one process in the tree, MB. */
function maxProcessRssMb(pid: number): number {
  let max = 0;
  const visit = (p: number) => {
    try {
      max = Math.max(max, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0));
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(child));
      }
    } catch {
      /* gone */
    }
  };
  visit(pid);
  return Math.round(max / 1024);
}

function intakeBody(n: number): string {
  return JSON.stringify({
    channel: 'phone',
    type: ['consultation', 'help', 'complaint', 'report', 'suggestion'][n % 5],
    categoryCode: ['ZFWY-WY', 'SDRQ-GRWD', 'CSGL-ZD', 'SCJG-SPAQ', 'LDSB-QX'][n % 5],
    requester: { kind: 'person', name: '测试', phone: `139${String(n).padStart(8, '0')}` },
    facts: `压测诉求 ${n}：小区楼道照明损坏，晚上出行不便，请尽快维修`,
    address: '东安区新安街道光华小区',
    districtCode: 'DAQ',
    disposition: 'dispatch',
  });
}

interface CreateFigures {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  total: number;
  /** Largest resident memory of one server process while under load, MB. */
  rssMax: number;
  /** Resident memory of the whole server (all processes) after the run, MB. */
  rssAfter: number;
  /** PostgreSQL: what the server's connections were doing, on average over the run (sampled). */
  waits: Record<string, number> | null;
  /** The created tickets signed for (签收) by their lead unit's staff, through HTTP. */
  signs: { perSecond: number; p50: number; p99: number; non2xx: number; total: number };
  /** Statements sent through the query builder per ticket created, over the timed run (the failed ones' too). */
  statementsPerCreate: number | null;
}

/**
 * Samples pg_stat_activity every 200 ms while `work` runs: the average number of the database's
 * connections in each state — running a statement, waiting on a lock or on I/O (by wait event), or
 * idle inside a transaction (waiting for the server process to send the next statement). Where a
 * queue forms is where the create rate stops growing with processes.
 */
async function sampledWaits<T>(databaseUrl: string, work: () => Promise<T>): Promise<{ result: T; waits: Record<string, number> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const totals = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ what: string; n: string }>(`
        select case when state = 'idle in transaction' then 'idle in transaction'
                    when wait_event is not null then wait_event_type || ':' || wait_event
                    else 'running' end as what, count(*) as n
        from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')
        group by 1`);
      for (const r of rows) totals.set(r.what, (totals.get(r.what) ?? 0) + Number(r.n));
      samples++;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    const result = await work();
    return { result, waits: Object.fromEntries([...totals].map(([k, v]) => [k, Math.round((v / Math.max(1, samples)) * 10) / 10] as const).sort((a, b) => b[1] - a[1])) };
  } finally {
    running = false;
    await loop;
    await client.end();
  }
}

/**
 * Tickets created through POST /api/v1/tickets by 32 concurrent clients against a real server
 * process (each request: validation, duplicate check, ticket number, ticket row, duties with
 * deadlines, audit events, outbox SMS, one transaction, the created ticket in the answer); then
 * every ticket created is signed for (签收) by a staff member of its lead unit, by 32 clients: the
 * action rate (state check, the sign duty completed, the reply duty opened with its deadline, the
 * audit event, the ticket in the answer).
 */
async function httpCreates(databaseUrl: string | null, workers: number): Promise<CreateFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-'));
  const port = 3900 + Math.floor(Math.random() * 90);
  const statementsDir = mkdtempSync(join(tmpdir(), 'hotline-bench-statements-'));
  const env = { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: databaseUrl ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', HOTLINE_BENCH_STATEMENTS_DIR: statementsDir };
  // BENCH_CPU_PROF=<dir>: the server's processes write V8 CPU profiles there when they exit.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const cli = join(ROOT, 'bin', 'hotline.js');
  const { HOTLINE_BENCH_STATEMENTS_DIR: _counted, ...cliEnv } = env;
  const made = spawnSync(process.execPath, [cli, 'user', 'create', '--username', 'bench', '--password', 'Load-Pass-2026!', '--role', 'agent'], { env: cliEnv, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const server = spawn(process.execPath, [...profile, cli, 'serve', ...(workers > 1 ? ['--workers', String(workers)] : [])], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, maxProcessRssMb(server.pid!))), 250);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/healthz`, server, 180);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'Load-Pass-2026!' }) });
    const { token } = (await login.json()) as { token: string };
    // What a working server holds besides: the agents' knowledge-base searches load the segmenter and
    // its dictionary (some 40 MB), in every process the searches reach.
    for (let i = 0; i < 4 * workers; i++) {
      const searched = await fetch(`${base}/api/v1/kb/search?q=${encodeURIComponent('公积金怎么提取')}`, { headers: { authorization: `Bearer ${token}` } });
      if (!searched.ok) throw new Error(`kb search: ${searched.status}`);
    }
    let n = 0;
    // Each created ticket's number and lead unit, read from the answer (a regular expression: parsing
    // every answer would take the load generator's share of the two cores).
    const created: Array<{ no: string; unit: string }> = [];
    const requests = [
      {
        method: 'POST',
        path: '/api/v1/tickets',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (req: { body?: string }) => ({ ...req, body: intakeBody(n++) }),
        onResponse: (status: number, body: string) => {
          const m = status === 201 ? /"no":"([^"]+)"[\s\S]*?"leadUnit":\{"code":"([^"]+)"/.exec(body) : null;
          if (m) created.push({ no: m[1]!, unit: m[2]! });
        },
      },
    ];
    log(`  warming up (3 s)…`);
    await autocannon({ url: base, connections: CONNECTIONS, duration: 3, requests });
    log(`  creating tickets through HTTP: ${CONNECTIONS} clients for ${SECONDS} s, ${workers} process${workers > 1 ? 'es' : ''}…`);
    const run = () => autocannon({ url: base, connections: CONNECTIONS, duration: SECONDS, requests });
    const statementsBefore = await statementsSent(statementsDir);
    const { result: r, waits } = databaseUrl ? await sampledWaits(databaseUrl, run) : { result: await run(), waits: null };
    const statements = (await statementsSent(statementsDir)) - statementsBefore;
    const perCreate = r['2xx'] > 0 ? Math.round((statements / r['2xx']) * 10) / 10 : null;
    const signs = await httpSigns(base, cliEnv, created);
    return { perSecond: Math.round(r['2xx'] / r.duration), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors, total: r['2xx'], rssMax, rssAfter: treeRssMb(server.pid!), waits, signs, statementsPerCreate: perCreate };
  } finally {
    clearInterval(sampler);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(statementsDir, { recursive: true, force: true });
  }
}

/**
 * The statements the server's processes have sent so far (src/store/db.ts counts them under the
 * bench): each process rewrites its file every second, so wait that long before reading.
 */
async function statementsSent(dir: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 1_100));
  return readdirSync(dir).reduce((sum, f) => sum + Number(readFileSync(join(dir, f), 'utf8') || 0), 0);
}

/** Signs for every ticket in `tickets` as a staff member of its lead unit (one account per unit). */
async function httpSigns(base: string, env: NodeJS.ProcessEnv, tickets: Array<{ no: string; unit: string }>): Promise<CreateFigures['signs']> {
  const cli = join(ROOT, 'bin', 'hotline.js');
  const tokens = new Map<string, string>();
  for (const unit of new Set(tickets.map((t) => t.unit))) {
    const username = `bench.${unit.toLowerCase()}`;
    const made = spawnSync(process.execPath, [cli, 'user', 'create', '--username', username, '--password', 'Load-Pass-2026!', '--role', 'unit_staff', '--unit', unit], { env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Load-Pass-2026!' }) });
    tokens.set(unit, ((await login.json()) as { token: string }).token);
  }
  log(`  signing for the ${tickets.length.toLocaleString('en')} tickets as their units' staff: ${CONNECTIONS} clients…`);
  let next = 0;
  const r = await autocannon({
    url: base,
    connections: CONNECTIONS,
    amount: tickets.length,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: { path?: string }) => {
          const t = tickets[next++ % tickets.length]!;
          return { ...req, path: `/api/v1/tickets/${t.no}/actions/sign`, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(t.unit)}` }, body: '{}' };
        },
      },
    ],
  });
  return { perSecond: Math.round(r['2xx'] / r.duration), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors, total: r['2xx'] };
}

const BARE_TICKET_INSERT = `insert into tickets (no, channel, origin, type, requester_kind, requester_name, requester_phone, confidential, facts, address, special, status, round, provisional, supervised, repeat_count, created_at, updated_at)
  values ($1, 'phone', 'local', 'complaint', 'person', '测试', $2, 0, $3, '东安区新安街道光华小区', 'none', 'dispatched', 1, 0, 0, 0, $4, $5)`;

/** The same table, one row per transaction, straight through better-sqlite3: the engine's own ceiling. */
async function bareInsertsSqlite(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bare-'));
  const file = join(dir, 'bare.sqlite');
  const store = openStore({ sqliteFile: file });
  await migrate(store.db, store.engine);
  await store.close();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${process.env.HOTLINE_SQLITE_SYNCHRONOUS === 'full' ? 'FULL' : 'NORMAL'}`);
  const insert = db.prepare(BARE_TICKET_INSERT.replace(/\$\d/g, '?'));
  const count = 20_000;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const now = new Date().toISOString();
    insert.run(`MDJ20260101${String(i).padStart(6, '0')}`, `139${String(i).padStart(8, '0')}`, `压测诉求 ${i}：小区楼道照明损坏，晚上出行不便，请尽快维修`, now, now);
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return Math.round(count / seconds);
}

/** The same table on PostgreSQL, one row per transaction from 32 connections: the server's own ceiling. */
async function bareInsertsPostgres(databaseUrl: string): Promise<number> {
  const store = openStore({ url: databaseUrl });
  await migrate(store.db, store.engine);
  await store.close();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  let n = 0;
  const until = performance.now() + 5_000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const i = n++;
        const now = new Date().toISOString();
        await pool.query(BARE_TICKET_INSERT, [`MDJ20260101${String(i).padStart(7, '0')}`, `139${String(i).padStart(8, '0')}`, `压测诉求 ${i}：小区楼道照明损坏，晚上出行不便，请尽快维修`, now, now]);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return Math.round(n / seconds);
}

interface KbFigures {
  passages: number;
  indexPerSecond: number;
  searches: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Search latency as an agent sees it, minus HTTP: one search at a time (segmentation, synonyms,
 * ranking in the engine, grouping, snippets), the questions of the evaluation set asked in turn.
 */
async function kbSearchLatency(engine: 'sqlite' | 'postgres'): Promise<KbFigures> {
  const scratch = await scratchDatabase(engine, 'kb');
  const ctx = await bootstrap({ databaseUrl: scratch.databaseUrl, sqliteFile: scratch.sqliteFile, dataDir: scratch.dir });
  try {
    log(`knowledge base on ${engine}: importing the seed bulletins and synthetic documents up to ${KB_PASSAGES} passages…`);
    const started = performance.now();
    await importSeedBulletins(ctx, SYSTEM_ACTOR, SEED_BULLETIN_DIR);
    const passages = await padCorpus(ctx, KB_PASSAGES);
    const indexPerSecond = Math.round(passages / ((performance.now() - started) / 1000));
    await refreshStatistics(ctx.store.db, ctx.store.capabilities.passageIndex);
    const questions = JSON.parse(readFileSync(join(ROOT, 'scripts', 'eval-kb-questions.json'), 'utf8')) as { questions: Array<{ q: string }>; unanswerable: string[] };
    const asked = [...questions.questions.map((q) => q.q), ...questions.unanswerable];
    for (const q of asked) await searchKb(ctx, { q, limit: 10 });
    const latencies: number[] = [];
    for (let round = 0; round < 8; round++) {
      for (const q of asked) {
        const t0 = performance.now();
        await searchKb(ctx, { q, limit: 10 });
        latencies.push(performance.now() - t0);
      }
    }
    latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
    return { passages, indexPerSecond, searches: latencies.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  } finally {
    await ctx.store.close();
    await scratch.drop();
  }
}

async function boardOn(engine: 'sqlite' | 'postgres'): Promise<BoardBenchResult> {
  log(`supervision board on ${engine}: ${BOARD_DUTIES.toLocaleString('en')} open duties…`);
  const scratch = engine === 'postgres' ? await scratchDatabase(engine, 'board') : null;
  try {
    return await benchBoard({ duties: BOARD_DUTIES, databaseUrl: scratch?.databaseUrl });
  } finally {
    await scratch?.drop();
  }
}

/** Call handling (scripts/bench-cti.ts, when present): its benchCti() resolves to { cti_events_per_s, … }. */
async function ctiFigures(): Promise<Record<string, number | null> | null> {
  const file = join(ROOT, 'scripts', 'bench-cti.ts');
  if (!existsSync(file)) return null;
  const module = (await import(pathToFileURL(file).href)) as { benchCti?: (o: { seconds?: number; log?: (l: string) => void }) => Promise<Record<string, number | null>> };
  if (typeof module.benchCti !== 'function') return null;
  log('call handling (scripts/bench-cti.ts)…');
  return module.benchCti({ seconds: quick ? 5 : undefined, log });
}

// ------------------------------------------------------------------ machine

function sqliteVersion(): string {
  const db = new SQLite(':memory:');
  const v = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  return v;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(`select current_setting('server_version') as v`);
  await client.end();
  return String(rows[0].v).split(' ')[0];
}

// ------------------------------------------------------------------ run

const cpu = cpus();
const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');
const machine = {
  cpu_model: cpu[0]?.model.trim() ?? 'unknown',
  cpu_cores: cpu.length,
  memory_gib: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  sqlite: sqliteVersion(),
  postgres: null as string | null,
  postgres_source: null as string | null,
  load_before: load(),
  load_after: '',
};
log(`machine: ${machine.cpu_cores} × ${machine.cpu_model}, ${machine.memory_gib} GiB, Node ${machine.node}, SQLite ${machine.sqlite}; load ${machine.load_before}`);

const wantsPostgres = runs('pg') || runs('kb') || runs('board') || (runs('evaluation') && EVAL_PG > 0);
let cluster: ThrowawayPostgres | null = null;
if (wantsPostgres && process.env.BENCH_PG !== '0' && !process.env.HOTLINE_BENCH_PG_URL) {
  log('starting a throwaway PostgreSQL cluster on 127.0.0.1…');
  cluster = await startThrowawayPostgres();
  // An interrupted bench still removes its cluster (exit handlers do not run on a signal's default action).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  if (cluster) process.env.HOTLINE_BENCH_PG_URL = cluster.url;
}
const pgAdmin = process.env.BENCH_PG === '0' ? undefined : process.env.HOTLINE_BENCH_PG_URL;
if (pgAdmin) {
  machine.postgres = await postgresVersion(pgAdmin);
  machine.postgres_source = cluster ? `throwaway cluster (shared_buffers ${cluster.settings.shared_buffers}, fsync ${cluster.settings.fsync}, synchronous_commit ${cluster.settings.synchronous_commit})` : 'HOTLINE_BENCH_PG_URL';
}

try {
  if (runs('tickets')) log('tickets on SQLite:');
  const bare = runs('tickets') ? await bareInsertsSqlite() : null;
  const http = runs('tickets') ? await httpCreates(null, 1) : null;

  let pgCreates: { bare: number; one: CreateFigures; two: CreateFigures } | null = null;
  if (runs('pg') && pgAdmin) {
    log('tickets on PostgreSQL:');
    const bareDb = await scratchDatabase('postgres', 'bare');
    const oneDb = await scratchDatabase('postgres', 'one');
    const twoDb = await scratchDatabase('postgres', 'two');
    try {
      pgCreates = { bare: await bareInsertsPostgres(bareDb.databaseUrl!), one: await httpCreates(oneDb.databaseUrl!, 1), two: await httpCreates(twoDb.databaseUrl!, 2) };
    } finally {
      for (const d of [bareDb, oneDb, twoDb]) await d.drop();
    }
  }
  const kbSqlite = runs('kb') ? await kbSearchLatency('sqlite') : null;
  const kbPostgres = runs('kb') && pgAdmin ? await kbSearchLatency('postgres') : null;
  const boardSqlite = runs('board') ? await boardOn('sqlite') : null;
  const boardPostgres = runs('board') && pgAdmin ? await boardOn('postgres') : null;
  const cti = runs('cti') ? await ctiFigures() : null;
  // A size of 0 leaves that engine out (e.g. to run the two histories as separate processes).
  const evalSqlite = runs('evaluation') && EVAL_SQLITE > 0 ? await evaluationBench('sqlite', EVAL_SQLITE, log) : null;
  const evalPostgres = runs('evaluation') && pgAdmin && EVAL_PG > 0 ? await evaluationBench('postgres', EVAL_PG, log) : null;
  machine.load_after = load();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = (product: number, bareFigure: number, higherIsBetter: boolean) => Math.round((higherIsBetter ? product / bareFigure : bareFigure / product) * 1000) / 1000;
  const evalKeys = (e: EvaluationFigures | null, key: string, sized: string, size: number) =>
    e
      ? {
          [`monthly_eval_ms_${key}`]: median(e.runs),
          [`monthly_eval_ms_${key}_${sized}`]: e.tickets === size ? median(e.runs) : null,
          [`monthly_eval_${key}_first_ms`]: e.runs[0],
          [`monthly_eval_${key}_tickets`]: e.tickets,
          [`monthly_eval_${key}_duties`]: e.duties,
          [`monthly_eval_${key}_units`]: e.units,
          [`monthly_eval_${key}_bare_ms`]: e.bareEvalMs,
          [`history_${key}_generate_s`]: e.generateSeconds,
          [`history_${key}_events`]: e.events,
          [`ticket_page_${key}_p50_ms`]: e.pageP50,
          [`ticket_page_${key}_p95_ms`]: e.pageP95,
          [`ticket_page_${key}_bare_p50_ms`]: e.barePageP50,
          [`ticket_list_${key}_p50_ms`]: e.listP50,
          [`ticket_list_${key}_overdue_p50_ms`]: e.listRedP50,
          [`ticket_list_${key}_month_complaints_p50_ms`]: e.listMonthTypeP50,
          [`ticket_list_${key}_month_word_p50_ms`]: e.listWordP50,
          [`unit_workbench_${key}_p50_ms`]: e.unitWorkbenchP50,
          [`unit_list_${key}_p50_ms`]: e.unitListP50,
          [`unit_list_tabs_${key}_p50_ms`]: e.unitTabsP50,
          [`small_unit_list_${key}_p50_ms`]: e.smallUnitListP50,
          [`month_report_${key}_ms`]: e.reportMs,
        }
      : {};
  const result = {
    ...machine,
    quick,
    ...(http && bare
      ? {
          connections: CONNECTIONS,
          seconds: SECONDS,
          create_per_s: http.perSecond,
          create_p50_ms: http.p50,
          create_p99_ms: http.p99,
          create_non2xx: http.non2xx,
          created_total: http.total,
          bare_insert_per_s: bare,
          statements_per_create: http.statementsPerCreate,
          product_to_bare_ratio: ratio(http.perSecond, bare, true),
          rss_mb: http.rssMax,
          rss_after_mb: http.rssAfter,
          sign_per_s: http.signs.perSecond,
          sign_p50_ms: http.signs.p50,
          sign_p99_ms: http.signs.p99,
          sign_non2xx: http.signs.non2xx,
        }
      : {}),
    ...(pgCreates
      ? {
          create_pg_per_s_1proc: pgCreates.one.perSecond,
          create_pg_p99_ms_1proc: pgCreates.one.p99,
          sign_pg_per_s_1proc: pgCreates.one.signs.perSecond,
          sign_pg_p99_ms_1proc: pgCreates.one.signs.p99,
          sign_pg_per_s_2proc: pgCreates.two.signs.perSecond,
          sign_pg_p99_ms_2proc: pgCreates.two.signs.p99,
          create_pg_per_s_2proc: pgCreates.two.perSecond,
          create_pg_p99_ms_2proc: pgCreates.two.p99,
          create_pg_non2xx: pgCreates.one.non2xx + pgCreates.two.non2xx,
          statements_per_create_pg_1proc: pgCreates.one.statementsPerCreate,
          statements_per_create_pg_2proc: pgCreates.two.statementsPerCreate,
          create_pg_ratio_1proc: ratio(pgCreates.one.perSecond, pgCreates.bare, true),
          create_pg_ratio_2proc: ratio(pgCreates.two.perSecond, pgCreates.bare, true),
          bare_insert_pg_per_s: pgCreates.bare,
          rss_pg_mb_1proc: pgCreates.one.rssMax,
          rss_pg_mb_2proc_per_process: pgCreates.two.rssMax,
          create_pg_connections_1proc: pgCreates.one.waits,
          create_pg_connections_2proc: pgCreates.two.waits,
        }
      : {}),
    ...(kbSqlite ? { kb_passages: kbSqlite.passages, kb_index_per_s: kbSqlite.indexPerSecond, kb_searches: kbSqlite.searches, kb_search_p50_ms: kbSqlite.p50, kb_search_p95_ms: kbSqlite.p95, kb_search_p99_ms: kbSqlite.p99 } : {}),
    ...(kbPostgres ? { kb_pg_passages: kbPostgres.passages, kb_pg_index_per_s: kbPostgres.indexPerSecond, kb_pg_search_p50_ms: kbPostgres.p50, kb_pg_search_p95_ms: kbPostgres.p95, kb_pg_search_p99_ms: kbPostgres.p99 } : {}),
    ...(boardSqlite ? { board_duties: boardSqlite.duties, board_ms: boardSqlite.board_p50_ms, board_max_ms: boardSqlite.board_max_ms, board_unit_ms: boardSqlite.board_unit_p50_ms, board_items_ms: boardSqlite.board_items_p50_ms, board_bare_ms: boardSqlite.bare_p50_ms } : {}),
    ...(boardPostgres ? { board_pg_duties: boardPostgres.duties, board_pg_ms: boardPostgres.board_p50_ms, board_pg_max_ms: boardPostgres.board_max_ms, board_pg_unit_ms: boardPostgres.board_unit_p50_ms, board_pg_bare_ms: boardPostgres.bare_p50_ms } : {}),
    ...(cti ?? {}),
    ...evalKeys(evalSqlite, 'sqlite', '1m', 1_000_000),
    ...evalKeys(evalPostgres, 'pg', '10m', 10_000_000),
  };

  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const rows: Array<[string, string, string, string]> = [];
    const add = (figure: string, product: string, bareFigure = '—', r = '—') => rows.push([figure, product, bareFigure, r]);
    const n = (x: number) => x.toLocaleString('en');
    if (http && bare) {
      add(`tickets created/s through HTTP, ${CONNECTIONS} clients, SQLite (bare: one-row insert per transaction, same table)`, n(http.perSecond), n(bare), String(ratio(http.perSecond, bare, true)));
      add('create latency p50 / p99, SQLite', `${http.p50} / ${http.p99} ms`);
      add('statements per ticket created, SQLite (through the query builder; begin and commit not counted; bare: 1)', String(http.statementsPerCreate ?? '—'), '1');
      add('server resident memory, SQLite: largest under load / after', `${http.rssMax} / ${http.rssAfter} MB`);
      add(`tickets signed for (签收) by their units' staff/s through HTTP, ${CONNECTIONS} clients, SQLite: rate, p50 / p99`, `${n(http.signs.perSecond)}, ${http.signs.p50} / ${http.signs.p99} ms`);
    }
    if (pgCreates) {
      add(`tickets created/s through HTTP, PostgreSQL, 1 process (bare: one-row insert per transaction from ${CONNECTIONS} connections)`, n(pgCreates.one.perSecond), n(pgCreates.bare), String(ratio(pgCreates.one.perSecond, pgCreates.bare, true)));
      add('tickets created/s through HTTP, PostgreSQL, 2 processes (--workers 2)', n(pgCreates.two.perSecond), n(pgCreates.bare), String(ratio(pgCreates.two.perSecond, pgCreates.bare, true)));
      add('create latency p99, PostgreSQL, 1 / 2 processes', `${pgCreates.one.p99} / ${pgCreates.two.p99} ms`);
      add('statements per ticket created, PostgreSQL, 1 / 2 processes (bare: 1)', `${pgCreates.one.statementsPerCreate ?? '—'} / ${pgCreates.two.statementsPerCreate ?? '—'}`, '1');
      add('tickets signed for/s through HTTP, PostgreSQL, 1 / 2 processes (p99)', `${n(pgCreates.one.signs.perSecond)} / ${n(pgCreates.two.signs.perSecond)} (${pgCreates.one.signs.p99} / ${pgCreates.two.signs.p99} ms)`);
      add('server resident memory under load, PostgreSQL: 1 process / largest of 2', `${pgCreates.one.rssMax} / ${pgCreates.two.rssMax} MB`);
      const waits = (w: Record<string, number> | null) => Object.entries(w ?? {}).slice(0, 4).map(([k, v]) => `${k} ${v}`).join(', ');
      add('PostgreSQL connections during the creates, average by state: 1 process', waits(pgCreates.one.waits));
      add('the same, 2 processes', waits(pgCreates.two.waits));
    }
    const failed = [http, pgCreates?.one, pgCreates?.two].reduce((sum, f) => sum + (f ? f.non2xx + f.signs.non2xx : 0), 0);
    if (http || pgCreates) add('non-2xx or errors during the create and sign runs', String(failed));
    for (const [name, kb] of [['SQLite', kbSqlite], ['PostgreSQL', kbPostgres]] as const) {
      if (!kb) continue;
      add(`knowledge-base search over ${n(kb.passages)} passages, ${name}: p50 / p95 / p99`, `${kb.p50} / ${kb.p95} / ${kb.p99} ms`);
    }
    for (const b of [boardSqlite, boardPostgres]) {
      if (!b) continue;
      add(`supervision board over ${n(b.duties)} open duties, ${b.engine}: whole city p50 (bare: open duties per unit and light in one GROUP BY)`, `${b.board_p50_ms} ms`, `${b.bare_p50_ms} ms`, String(ratio(b.board_p50_ms, b.bare_p50_ms, false)));
      add(`supervision board, ${b.engine}: one unit p50 / items page p50`, `${b.board_unit_p50_ms} / ${b.board_items_p50_ms} ms`);
    }
    if (cti) for (const [k, v] of Object.entries(cti)) add(`call handling: ${k}`, String(v));
    for (const e of [evalSqlite, evalPostgres]) {
      if (!e) continue;
      const name = e.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      add(`history of ${n(e.tickets)} tickets over 12 months, ${name}: generated (${n(e.duties)} duties, ${n(e.events)} events)`, `${e.generateSeconds} s`);
      add(`monthly evaluation of ${e.units} units, ${name}, ${n(e.tickets)} tickets: median of 3 (bare: the month's sign duties per unit in one GROUP BY)`, `${median(e.runs)} ms`, `${e.bareEvalMs} ms`, String(ratio(median(e.runs), e.bareEvalMs, false)));
      add(`ticket page with its timeline, ${name}, ${n(e.tickets)} tickets: p50 / p95 (bare: ticket, duties, events by key)`, `${e.pageP50} / ${e.pageP95} ms`, `${e.barePageP50} ms`, String(ratio(e.pageP50, e.barePageP50, false)));
      add(`ticket list, one unit's tickets in progress by deadline, ${name}: p50`, `${e.listP50} ms`);
      add(`ticket lists, ${name}, p50: every overdue ticket by deadline / the month's complaints, newest first / the month's tickets whose facts say 多次反映`, `${e.listRedP50} / ${e.listMonthTypeP50} / ${e.listWordP50} ms`);
      add(`a unit's staff, ${name}, p50: the busiest unit's workbench / its whole list, newest first, with the total / the list's status tabs / a small unit's whole list`, `${e.unitWorkbenchP50} / ${e.unitListP50} / ${e.unitTabsP50} / ${e.smallUnitListP50} ms`);
      add(`month report (月报), city-wide, ${name}`, `${e.reportMs} ms`);
    }
    if (!pgAdmin && wantsPostgres) add('PostgreSQL figures', 'skipped: no PostgreSQL server (HOTLINE_BENCH_PG_URL unset, no server binaries), or BENCH_PG=0');
    const out = [
      `Machine: ${machine.cpu_cores} × ${machine.cpu_model}, ${machine.memory_gib} GiB, Node ${machine.node}, SQLite ${machine.sqlite}${machine.postgres ? `, PostgreSQL ${machine.postgres} (${machine.postgres_source})` : ''}; load average before / after: ${machine.load_before} → ${machine.load_after}${quick ? '; BENCH_QUICK sizes' : ''}`,
      '',
      '| figure | product | bare engine | ratio |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
} finally {
  cluster?.stop();
}
