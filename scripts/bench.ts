// `npm run bench`: figures, not a test. Creates tickets through the HTTP API of a real server
// process on SQLite (each with its duties, audit event and outbox message in one transaction) at 32
// concurrent clients, and measures the bare insert rate of the same table in the same run. Then the
// knowledge base's search latency over 100,000 passages (the five seed bulletins plus synthetic
// documents drawn from their words) on SQLite, and on PostgreSQL when HOTLINE_BENCH_PG_URL gives a
// server (an admin URL: the bench creates and drops its own database there).
// Then the monthly evaluation over a year of synthetic history: 1,000,000 tickets on SQLite and
// 10,000,000 on PostgreSQL (BENCH_EVAL_SQLITE_TICKETS / BENCH_EVAL_PG_TICKETS change the sizes).
// `npm run bench -- --json` prints one JSON object instead of the table; `-- --kb-only` skips the
// tickets; `-- --only=tickets|kb|evaluation|board` runs one part. The supervision board is timed
// over 200,000 open duties.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import autocannon from 'autocannon';
import { openStore } from '../src/store/db.ts';
import { migrate } from '../src/store/migrations.ts';
import { bootstrap } from '../src/server/bootstrap.ts';
import { SYSTEM_ACTOR } from '../src/auth/actor.ts';
import { importSeedBulletins, SEED_BULLETIN_DIR } from '../src/knowledge/import.ts';
import { searchKb } from '../src/knowledge/search.ts';
import { refreshStatistics } from '../src/knowledge/kb-store.ts';
import { padCorpus } from './kb-corpus.ts';
import { evaluationBench, type EvaluationFigures } from './bench-evaluation.ts';
import { scratchDatabase } from './bench-database.ts';
import { benchBoard, type BoardBenchResult } from './bench-board.ts';

const ROOT = resolve(import.meta.dirname, '..');
const json = process.argv.includes('--json');
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PORT = 3900 + Math.floor(Math.random() * 90);
const log = (line: string) => !json && process.stdout.write(`${line}\n`);

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error('server exited during start');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
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

async function httpCreates(): Promise<{ perSecond: number; p50: number; p99: number; non2xx: number; total: number; rss: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-'));
  const env = { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: '', PORT: String(PORT), LOG_LEVEL: 'warn' };
  const cli = join(ROOT, 'bin', 'hotline.js');
  const made = spawnSync(process.execPath, [cli, 'user', 'create', '--username', 'bench', '--password', 'bench-password', '--role', 'agent'], { env, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const server = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const base = `http://127.0.0.1:${PORT}`;
    await waitForServer(`${base}/healthz`, server);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password' }) });
    const { token } = (await login.json()) as { token: string };
    let n = 0;
    const requests = [
      {
        method: 'POST',
        path: '/api/v1/tickets',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (req: { body?: string }) => ({ ...req, body: intakeBody(n++) }),
      },
    ];
    log(`warming up (3 s)…`);
    await autocannon({ url: base, connections: CONNECTIONS, duration: 3, requests });
    log(`creating tickets through HTTP: ${CONNECTIONS} clients for ${SECONDS} s…`);
    const r = await autocannon({ url: base, connections: CONNECTIONS, duration: SECONDS, requests });
    return { perSecond: Math.round(r['2xx'] / r.duration), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors, total: r['2xx'], rss: rssMb(server.pid!) };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The same table, one row per transaction, straight through better-sqlite3: the engine's own ceiling. */
async function bareInserts(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bare-'));
  const file = join(dir, 'bare.sqlite');
  const store = openStore({ sqliteFile: file });
  await migrate(store.db, store.engine);
  await store.close();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${process.env.HOTLINE_SQLITE_SYNCHRONOUS === 'full' ? 'FULL' : 'NORMAL'}`);
  const insert = db.prepare(
    `insert into tickets (no, channel, origin, type, requester_kind, requester_name, requester_phone, confidential, facts, address, special, status, round, provisional, supervised, repeat_count, created_at, updated_at)
     values (?, 'phone', 'local', 'complaint', 'person', '测试', ?, 0, ?, '东安区新安街道光华小区', 'none', 'dispatched', 1, 0, 0, 0, ?, ?)`,
  );
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

const KB_PASSAGES = Number(process.env.BENCH_KB_PASSAGES ?? 100_000);

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
async function kbSearchLatency(engine: 'sqlite' | 'postgres'): Promise<KbFigures | null> {
  const scratch = await scratchDatabase(engine, 'kb');
  const ctx = await bootstrap({ databaseUrl: scratch.databaseUrl, sqliteFile: scratch.sqliteFile, dataDir: scratch.dir });
  try {
    log(`knowledge base on ${engine}: importing the seed bulletins and synthetic documents up to ${KB_PASSAGES} passages…`);
    const started = performance.now();
    await importSeedBulletins(ctx, SYSTEM_ACTOR, SEED_BULLETIN_DIR);
    const passages = await padCorpus(ctx, KB_PASSAGES);
    const indexPerSecond = Math.round(passages / ((performance.now() - started) / 1000));
    await refreshStatistics(ctx.store.db, ctx.store.engine);
    const questions = (JSON.parse(readFileSync(join(ROOT, 'scripts', 'eval-kb-questions.json'), 'utf8')) as { questions: Array<{ q: string }>; unanswerable: string[] });
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

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? (process.argv.includes('--kb-only') ? 'kb' : null);
const runs = (part: string) => !only || only === part;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
log(`machine: ${machine}`);
const bare = runs('tickets') ? await bareInserts() : null;
const http = runs('tickets') ? await httpCreates() : null;
const kbSqlite = runs('kb') ? await kbSearchLatency('sqlite') : null;
const kbPostgres = runs('kb') && process.env.HOTLINE_BENCH_PG_URL ? await kbSearchLatency('postgres') : null;
const evalSqlite = runs('evaluation') ? await evaluationBench('sqlite', Number(process.env.BENCH_EVAL_SQLITE_TICKETS ?? 1_000_000), log) : null;
const evalPostgres = runs('evaluation') && process.env.HOTLINE_BENCH_PG_URL ? await evaluationBench('postgres', Number(process.env.BENCH_EVAL_PG_TICKETS ?? 10_000_000), log) : null;
async function boardOn(engine: 'sqlite' | 'postgres'): Promise<BoardBenchResult> {
  log(`supervision board on ${engine}: 200,000 open duties…`);
  const scratch = engine === 'postgres' ? await scratchDatabase(engine, 'board') : null;
  try {
    return await benchBoard({ duties: 200_000, databaseUrl: scratch?.databaseUrl });
  } finally {
    await scratch?.drop();
  }
}
const boardSqlite = runs('board') ? await boardOn('sqlite') : null;
const boardPostgres = runs('board') && process.env.HOTLINE_BENCH_PG_URL ? await boardOn('postgres') : null;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const evalJson = (e: EvaluationFigures | null, key: string) =>
  e ? { [`${key}_tickets`]: e.tickets, [`${key}_duties`]: e.duties, [`${key}_units`]: e.units, [`${key}_first_ms`]: e.runs[0], [`${key}_median_ms`]: median(e.runs) } : {};
const result = {
  machine,
  engine: 'sqlite',
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
        product_to_bare_ratio: Math.round((http.perSecond / bare) * 1000) / 1000,
        rss_mb: http.rss,
      }
    : {}),
  ...(kbSqlite
    ? { kb_passages: kbSqlite.passages, kb_index_per_s: kbSqlite.indexPerSecond, kb_searches: kbSqlite.searches, kb_search_p50_ms: kbSqlite.p50, kb_search_p95_ms: kbSqlite.p95, kb_search_p99_ms: kbSqlite.p99 }
    : {}),
  ...(kbPostgres
    ? { kb_pg_passages: kbPostgres.passages, kb_pg_index_per_s: kbPostgres.indexPerSecond, kb_pg_search_p50_ms: kbPostgres.p50, kb_pg_search_p95_ms: kbPostgres.p95, kb_pg_search_p99_ms: kbPostgres.p99 }
    : {}),
  ...evalJson(evalSqlite, 'evaluation_sqlite'),
  ...(boardSqlite ? { board_duties: boardSqlite.duties, board_p50_ms: boardSqlite.board_p50_ms, board_max_ms: boardSqlite.board_max_ms, board_unit_p50_ms: boardSqlite.board_unit_p50_ms } : {}),
  ...(boardPostgres ? { board_pg_duties: boardPostgres.duties, board_pg_p50_ms: boardPostgres.board_p50_ms, board_pg_max_ms: boardPostgres.board_max_ms, board_pg_unit_p50_ms: boardPostgres.board_unit_p50_ms } : {}),
  ...evalJson(evalPostgres, 'evaluation_pg'),
};
if (json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  log('');
  log('| figure | value |');
  log('|---|---|');
  if (http && bare) {
    log(`| tickets created/s via HTTP (${CONNECTIONS} clients; ticket + duties + audit + outbox per transaction) | ${http.perSecond} |`);
    log(`| create latency p50 / p99 | ${http.p50} ms / ${http.p99} ms |`);
    log(`| non-2xx or errors | ${http.non2xx} |`);
    log(`| bare insert/s, same table, one row per transaction | ${bare} |`);
    log(`| server resident memory after the run | ${http.rss} MB |`);
  }
  for (const [name, kb] of [['SQLite', kbSqlite], ['PostgreSQL', kbPostgres]] as const) {
    if (!kb) continue;
    log(`| knowledge-base search over ${kb.passages} passages, ${name}, p50 / p95 / p99 (${kb.searches} searches) | ${kb.p50} ms / ${kb.p95} ms / ${kb.p99} ms |`);
    log(`| knowledge-base indexing, ${name} (segmentation + index, through the import use-case) | ${kb.indexPerSecond} passages/s |`);
  }
  for (const e of [evalSqlite, evalPostgres]) {
    if (!e) continue;
    log(`| monthly evaluation of ${e.units} units over ${e.tickets.toLocaleString('en')} tickets (${e.duties.toLocaleString('en')} duties), ${e.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: first / median of 3 | ${e.runs[0]} ms / ${median(e.runs)} ms |`);
  }
  for (const b of [boardSqlite, boardPostgres]) {
    if (!b) continue;
    log(`| supervision board over ${b.duties.toLocaleString('en')} open duties, ${b.engine}: centre p50 / max, one unit p50 | ${b.board_p50_ms} / ${b.board_max_ms} ms, ${b.board_unit_p50_ms} ms |`);
  }
  if (!process.env.HOTLINE_BENCH_PG_URL) log('| PostgreSQL figures | skipped: HOTLINE_BENCH_PG_URL not set |');
}
