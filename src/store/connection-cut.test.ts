// PostgreSQL only: the server's connections are cut (pg_terminate_backend) several times while it
// serves a load of creations and handling steps. A request caught by a cut is answered 503 with a
// Chinese message, never 500 and never a crash; the server recovers by itself (the pool replaces
// the dead connections), every 2xx is committed, nothing is half-done, the outbox goes out once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { testEngines } from '../../test/support/databases.ts';
import { TestReceiver } from '../interop/webhooks-receiver.test-support.ts';
import { ApiClient, FaultStore, relayEnv, ServerChild, sleep, SmsReceiver, until } from '../app/server-child.test-support.ts';
import { LOAD_PASSWORD, LOAD_USERS, outboxDrained, storeProblems, TicketLoad } from '../app/ticket-load.test-support.ts';
import { inTransaction } from './db.ts';

const SECRET = 'cut-test-secret-0123456789';

/** A connection of the test's own (not the server's) to the same database. */
async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Terminates every backend of the database but the caller's; returns how many. */
async function cutConnections(admin: pg.Client): Promise<number> {
  const r = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  return r.rowCount ?? 0;
}

describe('PostgreSQL connections cut under load', { skip: !testEngines().includes('postgres') && 'no PostgreSQL in this run' }, () => {
  let store: FaultStore;
  let sms: SmsReceiver;
  let hooks: TestReceiver;
  let server: ServerChild | null = null;
  let admin: pg.Client | null = null;

  before(async () => {
    store = await FaultStore.create('postgres', LOAD_USERS, LOAD_PASSWORD);
    sms = await new SmsReceiver().start();
    hooks = await new TestReceiver(SECRET).start();
    admin = await adminClient(store.url!);
  });

  after(async () => {
    await server?.stop('SIGKILL');
    await admin?.end();
    await sms?.stop();
    await hooks?.stop();
    await store?.drop();
  });

  it('a connection cut while a transaction waits between statements does not crash the process', async () => {
    const opened = await store.open();
    const db = opened.db;
    // Without retries, so the cut itself is what the caller sees (the next test retries).
    process.env.HOTLINE_STORE_RETRY_MS = '0';
    try {
      // In the middle of a transaction, with no statement running, its backend is terminated: node-postgres
      // then emits 'error' on the checked-out client, which must not be an unhandled event.
      const outcome = await inTransaction(db, async (tx) => {
        const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0].pid;
        await admin!.query('select pg_terminate_backend($1)', [pid]);
        await sleep(300);
        return sql`select 1`.execute(tx);
      }).then(
        () => 'committed',
        (err: Error) => err.message,
      );
      assert.notEqual(outcome, 'committed');
      // The pool drops the dead connection and the next statement gets a new one.
      assert.equal((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0].one, 1);
    } finally {
      delete process.env.HOTLINE_STORE_RETRY_MS;
      await opened.close();
    }
  });

  it('a transaction cut before its COMMIT runs again on a fresh connection and commits once', async () => {
    const opened = await store.open();
    try {
      let attempts = 0;
      const marker = `cut-retry-${Date.now()}`;
      await admin!.query('create table if not exists cut_retry_probe (key text, value text)');
      const pids = await inTransaction(opened.db, async (tx) => {
        attempts++;
        const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0].pid;
        await sql`insert into cut_retry_probe (key, value) values (${marker}, ${String(attempts)})`.execute(tx);
        if (attempts === 1) {
          await admin!.query('select pg_terminate_backend($1)', [pid]);
          await sleep(300);
        }
        await sql`select 1`.execute(tx);
        return pid;
      });
      assert.equal(attempts, 2);
      assert.ok(pids > 0);
      const rows = await sql<{ value: string }>`select value from cut_retry_probe where key = ${marker}`.execute(opened.db);
      assert.deepEqual(rows.rows.map((r) => r.value), ['2'], 'the first attempt left nothing, the second committed');
    } finally {
      await opened.close();
    }
  });

  it('a read outside a transaction whose connection was cut is answered from a fresh one', async () => {
    const opened = await store.open();
    try {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(opened.db)).rows[0].pid;
      // The pool's idle connection is the one just used; cut it, then read at once.
      await admin!.query('select pg_terminate_backend($1)', [pid]);
      const r = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(opened.db);
      assert.notEqual(r.rows[0].pid, pid);
    } finally {
      await opened.close();
    }
  });

  it('answers 503 to requests caught by a cut, recovers by itself, keeps every 2xx and sends the outbox once', { timeout: 240_000 }, async (t) => {
    // Retries off: every request caught by a cut is answered 503 (with them, most would succeed instead).
    server = await ServerChild.start(store, { ...relayEnv(sms), HOTLINE_STORE_RETRY_MS: '0' });
    const pid = server.pid;
    const adminApi = await ApiClient.login(server.base, 'f.admin', LOAD_PASSWORD);
    assert.equal((await adminApi.request('POST', '/api/v1/webhooks', { name: '区数据平台', url: hooks.url, secret: SECRET, events: ['*'] })).status, 201);
    sms.delayMs = 20;
    hooks.delayMs = 20;
    const clients = {
      agent: await ApiClient.login(server.base, 'f.agent', LOAD_PASSWORD),
      centre: await ApiClient.login(server.base, 'f.centre', LOAD_PASSWORD),
      unit: await ApiClient.login(server.base, 'f.zjj', LOAD_PASSWORD),
    };
    // A probe ticket, dispatched: each round its row is held by the test's connection, so the
    // probe's 签收 is surely in flight (waiting for the lock) when the connections are cut.
    const probe = await clients.agent.request('POST', '/api/v1/tickets', {
      channel: 'phone',
      type: 'complaint',
      categoryCode: 'ZFWY-WY',
      requester: { kind: 'person', name: '李明远', phone: '13199991234' },
      facts: '探测工单：小区路灯损坏多日无人维修',
      address: '东安区新安街道光华小区',
      disposition: 'dispatch',
    });
    assert.equal(probe.status, 201);
    const load = new TicketLoad(clients, { workers: 6, phonePrefix: '1300' });
    load.start();
    const cuts: number[] = [];
    const probes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = load.answered.length;
      await until('answers between cuts', () => load.answered.length >= before + 8, 60_000);
      await admin!.query('begin');
      await admin!.query('select id from tickets where no = $1 for update', [probe.body.no]);
      const inFlight = clients.unit.request('POST', `/api/v1/tickets/${probe.body.no}/actions/sign`, {});
      await until('the probe to wait for the lock', async () => {
        const r = await admin!.query('select count(*)::int as n from pg_stat_activity where datname = current_database() and pg_blocking_pids(pid) @> array[pg_backend_pid()]');
        return r.rows[0].n > 0;
      });
      cuts.push(await cutConnections(admin!));
      await admin!.query('rollback');
      const answer = await inFlight;
      probes.push(answer.status);
      assert.equal(answer.status, 503, `${JSON.stringify(answer.body)} ${server.running ? '' : `server died: ${server.stderr.slice(-3000)}`}`);
      assert.equal(answer.body.type, 'urn:hotline:problem:store-unavailable');
      assert.match(answer.body.title, /数据库连接中断/);
    }
    // Recovered without a restart: the same process answers, the probe signs now.
    const after = load.answered.length;
    await until('the load to go on after the cuts', () => load.answered.length >= after + 8, 60_000);
    const signed = await clients.unit.request('POST', `/api/v1/tickets/${probe.body.no}/actions/sign`, {});
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    await load.stop();
    assert.equal(server.pid, pid);
    assert.ok(server.running, 'the server process died');
    load.answered.push({ op: 'create', no: probe.body.no, status: probe.body.status }, { op: 'sign', no: probe.body.no, status: signed.body.status });

    // Whatever else failed was a 503 of the cut, with its Chinese message: store-unavailable when
    // the cut came before the commit, commit-unknown when it came during it (the outcome is then unknown).
    const ofTheCut = (f: { status: number; type?: string; title?: string }) =>
      f.status === 503 &&
      ((f.type === 'urn:hotline:problem:store-unavailable' && /数据库连接中断/.test(f.title ?? '')) ||
        (f.type === 'urn:hotline:problem:commit-unknown' && /提交时中断/.test(f.title ?? '')));
    const notClean = load.failed.filter((f) => !ofTheCut(f));
    assert.deepEqual(notClean, []);
    assert.equal(load.unanswered, 0, 'a request got no answer');

    const db = await store.open();
    try {
      await outboxDrained(db, 60_000);
      await sleep(1_600);
      await server.stop('SIGTERM');
      const problems = await storeProblems(db, load.answered, { sms, webhooks: hooks });
      t.diagnostic(
        `backends cut per round: ${cuts.join(', ')}; ${load.answered.length} answered, ${load.failed.length} answered 503 (+${probes.length} probes); ` +
          `SMS ${sms.accepted.length} (${sms.duplicates} repeats dropped), webhooks ${hooks.events.length} (${hooks.duplicates} repeats dropped)`,
      );
      assert.deepEqual(problems, []);
    } finally {
      await db.close();
    }
  });
});
