// npm run failover [-- --runs 3 --before 10 --after 30]: the primary of a real HA cluster
// (scripts/ha-cluster.sh: etcd, Patroni, 3 × PostgreSQL 15 with synchronous replication, HAProxy)
// is killed with SIGKILL while 16 clients take tickets through their life over two app processes
// connected through HAProxy. Counted per run: acknowledged (2xx) writes missing afterwards, the
// longest time without a 2xx answer, the 5xx answers, and whether `hotline audit verify` passes.
// Everything listens on 127.0.0.1; each run takes about a minute and removes its cluster.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap } from '../src/app/bootstrap.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { ApiClient, freePort, sleep, until } from '../src/app/server-child.test-support.ts';
import { LOAD_PASSWORD, LOAD_USERS, TicketLoad } from '../src/app/ticket-load.test-support.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'hotline.js');
const CLUSTER = join(ROOT, 'scripts', 'ha-cluster.sh');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, before: { type: 'string', default: '10' }, after: { type: 'string', default: '30' } } });
const RUNS = Math.min(5, Math.max(1, Number(values.runs)));
const BEFORE_S = Math.min(60, Number(values.before));
const AFTER_S = Math.min(120, Number(values.after));

interface RunResult {
  run: number;
  answered: number;
  acknowledgedLost: number;
  secondsWithoutService: number;
  status5xx: number;
  /** The 5xx answers by problem type. */
  kinds5xx: string;
  unanswered: number;
  killed: string;
  newLeader: string;
  auditVerified: boolean;
}

function cluster(...args: string[]): Record<string, string> {
  const r = spawnSync('bash', [CLUSTER, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`ha-cluster.sh ${args.join(' ')}: ${r.stderr}`);
  return Object.fromEntries(r.stdout.split('\n').filter((l) => /^[A-Z_0-9]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function leader(): Promise<string | null> {
  for (const port of [15420, 15421, 15422]) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/cluster`, { signal: AbortSignal.timeout(1000) });
      const body = (await r.json()) as { members: Array<{ name: string; role: string }> };
      return body.members.find((m) => m.role === 'leader')?.name ?? null;
    } catch {
      /* that node is down; ask the next */
    }
  }
  return null;
}

function startApp(port: number, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

async function run(n: number): Promise<RunResult> {
  const state = cluster('start', '--nodes', '3');
  const url = state.HA_PRIMARY_URL;
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-failover-'));
  const apps: ChildProcess[] = [];
  try {
    const ctx = await bootstrap({ databaseUrl: url, dataDir });
    const hash = await hashPassword(LOAD_PASSWORD);
    for (const [username, [role, unit]] of Object.entries(LOAD_USERS)) {
      await ctx.store.db.insertInto('users').values({ username, display_name: username, password_hash: hash, role, unit_id: unit ? ctx.org.byCodeOrUndefined(unit)!.id : null, active: 1, created_at: new Date().toISOString() }).execute();
    }
    await ctx.store.close();
    const env = { HOTLINE_DATABASE_URL: url, HOTLINE_DATA_DIR: dataDir };
    const ports = [await freePort(), await freePort()];
    for (const port of ports) apps.push(startApp(port, env));
    const bases = ports.map((p) => `http://127.0.0.1:${p}`);
    for (const base of bases) await until(`app ${base}`, () => fetch(`${base}/healthz`).then((r) => r.ok, () => false), 120_000);

    // 16 clients: 8 on each app process.
    const successes: number[] = [];
    const loads: TicketLoad[] = [];
    for (const [i, base] of bases.entries()) {
      const clients = {
        agent: await ApiClient.login(base, 'f.agent', LOAD_PASSWORD),
        centre: await ApiClient.login(base, 'f.centre', LOAD_PASSWORD),
        unit: await ApiClient.login(base, 'f.zjj', LOAD_PASSWORD),
      };
      loads.push(new TicketLoad(clients, { workers: 8, phonePrefix: `${n}${i}00`.slice(0, 4), onAnswered: () => successes.push(Date.now()) }));
    }
    for (const load of loads) load.start();
    await sleep(BEFORE_S * 1000);

    const killed = (await leader()) ?? 'pg0';
    const i = Number(killed.slice(2));
    const patroniPid = Number(state.HA_DIR ? readState()[`PATRONI${i}_PID`] : 0);
    const postmasterPid = Number(readFileSync(join(state.HA_DIR, `pg${i}`, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const killedAt = Date.now();
    // The whole node at once, as a machine lost: Patroni, then its PostgreSQL.
    process.kill(patroniPid, 'SIGKILL');
    process.kill(postmasterPid, 'SIGKILL');
    process.stderr.write(`run ${n}: SIGKILL ${killed} (patroni ${patroniPid}, postmaster ${postmasterPid})\n`);
    await sleep(AFTER_S * 1000);
    for (const load of loads) await load.stop();
    const newLeader = (await leader()) ?? '?';

    // The longest stretch without a 2xx answer from the kill on.
    const after = successes.filter((t) => t >= killedAt).sort((a, b) => a - b);
    let gap = after.length ? after[0] - killedAt : AFTER_S * 1000;
    for (let k = 1; k < after.length; k++) gap = Math.max(gap, after[k] - after[k - 1]);

    const answered = loads.flatMap((l) => l.answered);
    const check = await bootstrap({ databaseUrl: url, dataDir });
    let lost = 0;
    try {
      const tickets = new Map((await check.store.db.selectFrom('tickets').select(['id', 'no']).execute()).map((t) => [t.no, Number(t.id)]));
      const events = await check.store.db.selectFrom('events').select(['ticket_id', 'action', 'to_status']).where('ticket_id', 'is not', null).execute();
      const seen = new Set(events.map((e) => `${e.ticket_id}|${e.action}|${e.to_status}`));
      for (const a of answered) {
        const id = tickets.get(a.no);
        if (id === undefined) lost++;
        else if (a.op !== 'create' && !seen.has(`${id}|${a.op}|${a.status}`)) lost++;
      }
    } finally {
      await check.store.close();
    }
    for (const app of apps) app.kill('SIGTERM');
    const audit = spawnSync(process.execPath, [BIN, 'audit', 'verify'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
    if (audit.status !== 0) process.stderr.write(`audit verify: ${audit.stdout}${audit.stderr}\n`);
    return {
      run: n,
      answered: answered.length,
      acknowledgedLost: lost,
      secondsWithoutService: Math.round(gap / 100) / 10,
      status5xx: loads.reduce((s, l) => s + l.failed.filter((f) => f.status >= 500).length, 0),
      kinds5xx: [...new Set(loads.flatMap((l) => l.failed.filter((f) => f.status >= 500).map((f) => `${f.status} ${f.type.replace('urn:hotline:problem:', '')}`)))].join(', '),
      unanswered: loads.reduce((s, l) => s + l.unanswered, 0),
      killed,
      newLeader,
      auditVerified: audit.status === 0,
    };
  } finally {
    for (const app of apps) if (app.exitCode === null) app.kill('SIGKILL');
    cluster('stop');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function readState(): Record<string, string> {
  const file = process.env.HA_STATE_FILE ?? '/tmp/hotline-ha-cluster.state';
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

const results: RunResult[] = [];
for (let n = 1; n <= RUNS; n++) results.push(await run(n));
console.table(results);
console.log(JSON.stringify({ runs: results, worst: { acknowledgedLost: Math.max(...results.map((r) => r.acknowledgedLost)), secondsWithoutService: Math.max(...results.map((r) => r.secondsWithoutService)), status5xx: Math.max(...results.map((r) => r.status5xx)), auditVerified: results.every((r) => r.auditVerified) } }));
process.exit(0);
