// A real server process under load (ticket creations and every handling step, with SMS and webhooks
// going out) is killed with SIGKILL after a seeded random number of answered requests, then started
// again on the same store. Whatever moment the kill lands: every request answered 2xx is in the
// store as answered, nothing is half-done, the audit chain verifies, the numbering goes on after the
// numbers given out, and the outbox reaches its receivers exactly once. HOTLINE_FAULT_SEED replays a
// run (the seed is printed).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine } from '../../test/support/app.ts';
import { Random } from '../domain/random.ts';
import { TestReceiver } from '../interop/webhooks-receiver.test-support.ts';
import { ApiClient, FaultStore, relayEnv, ServerChild, SmsReceiver } from './server-child.test-support.ts';
import { LOAD_PASSWORD, LOAD_USERS, outboxDrained, storeProblems, TicketLoad } from './ticket-load.test-support.ts';

const SECRET = 'fault-test-secret-0123456789';

describeEachEngine('server killed with SIGKILL under load', (engine) => {
  let store: FaultStore;
  let sms: SmsReceiver;
  let hooks: TestReceiver;
  let server: ServerChild | null = null;

  before(async () => {
    store = await FaultStore.create(engine, LOAD_USERS, LOAD_PASSWORD);
    sms = await new SmsReceiver().start();
    hooks = await new TestReceiver(SECRET).start();
  });

  after(async () => {
    await server?.stop('SIGKILL');
    await sms?.stop();
    await hooks?.stop();
    await store?.drop();
  });

  it('keeps every answered request, leaves nothing half-done and sends the outbox exactly once', { timeout: 240_000 }, async (t) => {
    const seed = Number(process.env.HOTLINE_FAULT_SEED ?? Math.floor(Math.random() * 1e9));
    const killAfter = new Random(seed).int(15, 75);
    t.diagnostic(`seed ${seed}: SIGKILL after ${killAfter} answered requests`);
    const env = relayEnv(sms);
    const t0 = Date.now();
    const phase = (what: string) => t.diagnostic(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    server = await ServerChild.start(store, env);
    phase('started');
    const first = server;
    const admin = await ApiClient.login(server.base, 'f.admin', LOAD_PASSWORD);
    assert.equal((await admin.request('POST', '/api/v1/webhooks', { name: '区数据平台', url: hooks.url, secret: SECRET, events: ['*'] })).status, 201);
    // Slow receivers keep deliveries in flight when the kill lands.
    sms.delayMs = 20;
    hooks.delayMs = 20;
    const clients = {
      agent: await ApiClient.login(server.base, 'f.agent', LOAD_PASSWORD),
      centre: await ApiClient.login(server.base, 'f.centre', LOAD_PASSWORD),
      unit: await ApiClient.login(server.base, 'f.zjj', LOAD_PASSWORD),
    };
    const exited = new Promise((r) => first.child.once('exit', r));
    const load = new TicketLoad(clients, {
      workers: 6,
      phonePrefix: engine === 'sqlite' ? '1100' : '1200',
      onAnswered: (n) => {
        if (n !== killAfter) return;
        first.child.kill('SIGKILL');
        void load.stop();
      },
    });
    load.start();
    await new Promise((resolve, reject) => {
      void exited.then(resolve);
      setTimeout(() => reject(new Error(`fewer than ${killAfter} answers in 90 s`)), 90_000).unref();
    });
    await load.stop();
    phase('killed');
    assert.ok(load.answered.length >= killAfter);
    assert.deepEqual(load.failed, [], 'no request was refused before the kill');

    // Started again on the same store: the same users log in, numbering goes on, the outbox drains.
    server = await ServerChild.start(store, env);
    phase('restarted');
    const agent = await ApiClient.login(server.base, 'f.agent', LOAD_PASSWORD);
    const after = await agent.request('POST', '/api/v1/tickets', {
      channel: 'phone',
      type: 'complaint',
      categoryCode: 'ZFWY-WY',
      requester: { kind: 'person', name: '李明远', phone: engine === 'sqlite' ? '13199990001' : '13199990002' },
      facts: '重启后受理：小区路灯损坏多日无人维修',
      address: '东安区新安街道光华小区',
      disposition: 'dispatch',
    });
    assert.equal(after.status, 201, JSON.stringify(after.body));
    const numbers = load.answered.filter((a) => a.op === 'create').map((a) => a.no);
    assert.ok(numbers.every((no) => no < after.body.no), `${after.body.no} after ${numbers.at(-1)}`);
    load.answered.push({ op: 'create', no: after.body.no, status: after.body.status });

    const db = await store.open();
    try {
      await outboxDrained(db, 60_000);
      phase('outbox drained');
      // Repeats of deliveries cut by the kill come within a lease; wait one out.
      await new Promise((r) => setTimeout(r, 1_600));
      await server.stop('SIGTERM');
      const problems = await storeProblems(db, load.answered, { sms, webhooks: hooks });
      const creations = numbers.length;
      t.diagnostic(
        `${load.answered.length} answered (${creations} creations), ${load.unanswered} cut by the kill; ` +
          `SMS ${sms.accepted.length} (${sms.duplicates} repeats dropped), webhooks ${hooks.events.length} (${hooks.duplicates} repeats dropped)`,
      );
      assert.deepEqual(problems, []);
      assert.ok(sms.accepted.length > 0 && hooks.events.length > 0);
    } finally {
      await db.close();
    }
  });
});
