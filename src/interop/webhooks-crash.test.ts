// Nothing lost: a real server process delivers ticket events to a receiver that is failing, is
// killed with SIGKILL while deliveries are in flight, and is started again. Every event then reaches
// the receiver exactly once (repeats only as byte-identical retries it drops by id), in order per
// ticket. Bounded: every wait has a deadline, the processes are stopped in `after`.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeEachEngine, intakeBody } from '../../test/support/app.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { TestReceiver } from './webhooks-receiver.test-support.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');
const SECRET = 'crash-test-secret-0123456789';
const PASSWORD = 'crash-test-password';

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeEachEngine('webhooks across a server crash', (engine) => {
  let db: TestDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | null = null;
  let base = '';
  let receiver: TestReceiver;

  const hotline = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, `hotline ${args.join(' ')}: ${r.stderr}`);
  };

  async function startServer(): Promise<void> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
    await until('the server to answer', async () => {
      if (server?.exitCode !== null) throw new Error('server exited during start');
      return fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    });
  }

  async function stopServer(signal: NodeJS.Signals): Promise<void> {
    const s = server;
    server = null;
    if (!s || s.exitCode !== null) return;
    const exited = new Promise((r) => s.once('exit', r));
    s.kill(signal);
    await exited;
  }

  async function login(username: string): Promise<string> {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { token: string }).token;
  }

  async function post(token: string, path: string, body: unknown): Promise<any> {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const json = await res.json();
    assert.ok(res.status >= 200 && res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  before(async () => {
    db = await freshDatabase(engine);
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
    env = {
      ...process.env,
      HOTLINE_DATA_DIR: dataDir,
      HOTLINE_DATABASE_URL: db.url ?? '',
      LOG_LEVEL: 'warn',
      // A quick schedule: relay every 100 ms, retries capped at 400 ms, leases of 1.5 s.
      HOTLINE_WEBHOOK_INTERVAL_MS: '100',
      HOTLINE_WEBHOOK_BACKOFF_CAP_MS: '400',
      HOTLINE_WEBHOOK_LEASE_MS: '1500',
      HOTLINE_WEBHOOK_TIMEOUT_MS: '1000',
    };
    hotline('migrate');
    hotline('user', 'create', '--username', 'crash.admin', '--password', PASSWORD, '--role', 'admin');
    hotline('user', 'create', '--username', 'crash.agent', '--password', PASSWORD, '--role', 'agent', '--unit', 'MDJ12345');
    receiver = await new TestReceiver(SECRET).start();
  });

  after(async () => {
    await stopServer('SIGKILL');
    await receiver?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no event and repeats none when the server is killed mid-delivery and restarted', async () => {
    receiver.fail = () => true;
    await startServer();
    await post(await login('crash.admin'), '/api/v1/webhooks', { name: '区数据平台', url: receiver.url, secret: SECRET, events: ['*'] });
    const agent = await login('crash.agent');
    const tickets: string[] = [];
    const intake = async (i: number) => {
      const body = intakeBody({ requester: { kind: 'person', name: '王五', phone: `1370000${String(engine === 'sqlite' ? 1000 + i : 2000 + i)}` }, facts: `第${i}号测试诉求：小区${i}号楼电梯停运${i}天无人维修` });
      tickets.push((await post(agent, '/api/v1/tickets', body)).no);
    };
    for (let i = 0; i < 6; i++) await intake(i);
    // Deliveries are being tried and refused; then some succeed slowly, with requests in flight.
    await until('failed deliveries', () => receiver.refused >= 6, 30_000);
    receiver.delayMs = 300;
    let calls = 0;
    receiver.fail = () => ++calls % 2 === 0;
    await until('some deliveries', () => receiver.events.length >= 2, 30_000);
    await stopServer('SIGKILL');

    receiver.fail = () => false;
    receiver.delayMs = 0;
    await startServer();
    const agentAgain = await login('crash.agent');
    for (let i = 6; i < 8; i++) {
      const body = intakeBody({ requester: { kind: 'person', name: '王五', phone: `1370000${String(engine === 'sqlite' ? 1000 + i : 2000 + i)}` }, facts: `第${i}号测试诉求：小区${i}号楼电梯停运${i}天无人维修` });
      tickets.push((await post(agentAgain, '/api/v1/tickets', body)).no);
    }
    // Each ticket: its intake and its dispatch.
    const expected = tickets.length * 2;
    await until(`${expected} events`, () => receiver.events.length >= expected, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    await stopServer('SIGTERM');

    assert.equal(receiver.badSignatures, 0);
    assert.equal(receiver.mismatched, 0, 'a repeat differed from the first copy');
    assert.equal(receiver.events.length, expected, 'an event arrived twice under different ids, or one is missing');
    assert.equal(new Set(receiver.events.map((e) => e.id)).size, expected);
    for (const no of tickets) {
      const actions = receiver.events.filter((e) => e.body.ticket?.no === no).map((e) => e.body.action);
      assert.deepEqual(actions, ['intake', 'dispatch'], `ticket ${no}`);
    }
  });
});
