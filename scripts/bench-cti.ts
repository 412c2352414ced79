// The CTI endpoint under load: a real server process on SQLite, a few switches (one API key each,
// their own seats) posting simulated event streams in batches over HTTP from 127.0.0.1 for a
// bounded time, then one switch over the WebSocket. Figures, not a test.
//
//   node bin/run-ts.js scripts/bench-cti.ts [--json]
//   BENCH_CTI_SECONDS (default 15), BENCH_CTI_CLIENTS (4), BENCH_CTI_BATCH (200 events a request:
//   what an adapter sending every 100 ms gathers at 2,000 events/s), BENCH_CTI_PROFILE (a directory
//   for the server's CPU profile)
//
// Exports benchCti() for `npm run bench`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { bootstrap } from '../src/app/bootstrap.ts';
import { createApiKey } from '../src/auth/api-keys.ts';
import { simulateCalls } from '../src/calls/simulator.ts';
import type { CtiEvent } from '../src/domain/call-contract.ts';
import { waitForServer } from './bench-server.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface CtiBenchOptions {
  seconds?: number;
  clients?: number;
  batch?: number;
  /** Seconds of the WebSocket run; 0 skips it. */
  wsSeconds?: number;
  log?: (line: string) => void;
}

export interface CtiBenchResult {
  cti_events_per_s: number;
  cti_batch_p50_ms: number;
  cti_batch_p99_ms: number;
  cti_batch_size: number;
  cti_clients: number;
  cti_events: number;
  cti_errors: number;
  cti_ws_events_per_s: number | null;
  cti_ws_batch_p99_ms: number | null;
  cti_server_rss_mb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/**
 * One switch's events for the run: a busy centre (3,000 calls an hour on 80 seats of its own) for as
 * many simulated hours as `count` events need. Made before the clock starts.
 */
function switchEvents(client: number, count: number): CtiEvent[] {
  const perHour = 18_000; // ≈ 6 events a call at 3,000 calls an hour
  const sim = simulateCalls({
    callsPerHour: 3000,
    agents: 80,
    handleSeconds: 90,
    hours: Math.max(1, Math.ceil(count / perHour)),
    seed: client,
    warmupSeconds: 0,
    callIdPrefix: `bench${client}`,
    agentNames: Array.from({ length: 80 }, (_, i) => `bench${client}.seat${i + 1}`),
  });
  return sim.events;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 10) / 10 : 0);

export async function benchCti(options: CtiBenchOptions = {}): Promise<CtiBenchResult> {
  const seconds = options.seconds ?? Number(process.env.BENCH_CTI_SECONDS ?? 15);
  const clients = options.clients ?? Number(process.env.BENCH_CTI_CLIENTS ?? 4);
  const batch = options.batch ?? Number(process.env.BENCH_CTI_BATCH ?? 200);
  const wsSeconds = options.wsSeconds ?? Math.min(5, seconds);
  const log = options.log ?? (() => {});
  const port = 4000 + Math.floor(Math.random() * 90);
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-cti-'));
  const env = { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };

  // The switches' keys, made in the database before the server opens it.
  const ctx = await bootstrap({ dataDir });
  const keys: string[] = [];
  for (let c = 0; c <= clients; c++) keys.push((await createApiKey(ctx, null, { name: `bench switch ${c}`, scopes: ['cti:events'], ratePerMinute: 100_000 })).key);
  await ctx.store.close();

  // Enough events that no switch runs dry at 5,000 events/s in all.
  log(`simulating ${clients + 1} switches' event streams…`);
  const streams = Array.from({ length: clients + 1 }, (_, c) => switchEvents(c + 1, Math.ceil((5000 * Math.max(seconds, wsSeconds)) / clients)));

  // BENCH_CTI_PROFILE=<dir>: the server writes a CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CTI_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CTI_PROFILE] : [];
  const server = spawn(process.execPath, [...profile, join(ROOT, 'bin', 'hotline.js'), 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/healthz`, server, 30);

    // Warm-up: a few batches from one switch, so JIT and caches settle before the clock starts.
    let warm = 0;
    const warmStream = streams[clients];
    for (; warm < 20 * batch && warm < warmStream.length; warm += batch) {
      await fetch(`${base}/api/v1/cti/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys[clients] }, body: JSON.stringify({ events: warmStream.slice(warm, warm + batch) }) });
    }

    log(`posting over HTTP: ${clients} switches, ${batch} events a request, ${seconds} s…`);
    const latencies: number[] = [];
    let posted = 0;
    let errors = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const events = streams[c];
        for (let i = 0; i < events.length && performance.now() < deadline; i += batch) {
          const body = JSON.stringify({ events: events.slice(i, i + batch) });
          const t0 = performance.now();
          const res = await fetch(`${base}/api/v1/cti/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys[c] }, body });
          const answer = (await res.json()) as { accepted?: number };
          latencies.push(performance.now() - t0);
          if (res.ok) posted += answer.accepted ?? 0;
          else errors++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);

    let wsRate: number | null = null;
    let wsP99: number | null = null;
    if (wsSeconds > 0) {
      log(`one switch over the WebSocket, ${batch} events a message, ${wsSeconds} s…`);
      const events = streams[clients].slice(warm);
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/cti/ws`, { headers: { authorization: `Bearer ${keys[clients]}` } });
      await new Promise<void>((ok, fail) => {
        socket.once('open', () => ok());
        socket.once('error', fail);
      });
      const wsLatencies: number[] = [];
      let wsPosted = 0;
      const wsStarted = performance.now();
      const wsDeadline = wsStarted + wsSeconds * 1000;
      // One message in flight at a time: the answer says what was accepted before the next goes.
      for (let i = 0; i < events.length && performance.now() < wsDeadline; i += batch) {
        const t0 = performance.now();
        const answer = await new Promise<{ accepted?: number }>((ok) => {
          socket.once('message', (data) => ok(JSON.parse(data.toString()) as { accepted?: number }));
          socket.send(JSON.stringify({ events: events.slice(i, i + batch) }));
        });
        wsLatencies.push(performance.now() - t0);
        if (answer.accepted === undefined) errors++;
        else wsPosted += answer.accepted;
      }
      const wsElapsed = (performance.now() - wsStarted) / 1000;
      socket.close();
      wsLatencies.sort((a, b) => a - b);
      wsRate = Math.round(wsPosted / wsElapsed);
      wsP99 = percentile(wsLatencies, 0.99);
    }

    return {
      cti_events_per_s: Math.round(posted / elapsed),
      cti_batch_p50_ms: percentile(latencies, 0.5),
      cti_batch_p99_ms: percentile(latencies, 0.99),
      cti_batch_size: batch,
      cti_clients: clients,
      cti_events: posted,
      cti_errors: errors,
      cti_ws_events_per_s: wsRate,
      cti_ws_batch_p99_ms: wsP99,
      cti_server_rss_mb: rssMb(server.pid!),
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Run alone: print the figures.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const json = process.argv.includes('--json');
  const result = await benchCti({ log: json ? undefined : (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${Object.entries(result).map(([k, v]) => `${k.padEnd(22)} ${v}`).join('\n')}\n`);
}
